import type { TaskRecord } from './task-record.js';

/** One announcement waiting for its state to be durable. */
interface PendingCommit {
  snapshot: TaskRecord;
  /** Runs after the announcement (only once durable). */
  then: (() => void) | undefined;
  /** Runs once the commit is over, durable or not (a run's settle). */
  settled: (() => void) | undefined;
}

/** Consecutive commits that wait on the same save promise (one store batch). */
interface CommitGroup {
  saved: Promise<void>;
  entries: PendingCommit[];
  /** Whether one of them is a final state: the history is trimmed once, after the group. */
  finishes: boolean;
  /** Settles once every entry is announced (or given up): what each commit's caller awaits. */
  done: Promise<void>;
}

/** What {@link DurableCommits} tells its engine. */
export interface DurableCommitHooks {
  announce(snapshot: TaskRecord): void;
  /** A save failed: not durable, so not announced (a client never sees what a crash takes back). */
  failed(error: unknown): void;
  /** After a group that held a final state: the engine forgets the oldest finished tasks. */
  finished(): void;
}

/**
 * Announcements that wait for the store, grouped by the promise they wait on. A store's batch
 * answers every save it holds with the same promise, so a batch of n commits costs one promise
 * reaction, one `finished` (one history trim, one store delete of the forgotten tasks) instead of
 * n async functions, n reactions and n deletes each with its own promise. Order is kept: groups
 * react in the order their promises settle, which is the order of the store's batches, and a
 * group announces its entries in the order they joined; two groups on the same promise (another
 * promise's commits came between) react in the order they were made, as separate awaits did.
 */
export class DurableCommits {
  private last: CommitGroup | undefined;

  constructor(private readonly hooks: DurableCommitHooks) {}

  /**
   * Announces `snapshot` once `saved` resolves, then runs `then`; runs `settled` either way.
   * Returns a promise that settles (never rejects) once that is done, shared by the group.
   */
  add(saved: Promise<void>, snapshot: TaskRecord, options: { then?: () => void; settled?: () => void; finishes?: boolean } = {}): Promise<void> {
    let group = this.last;
    if (!group || group.saved !== saved) {
      const made: CommitGroup = { saved, entries: [], finishes: false, done: undefined! };
      made.done = saved.then(
        () => this.succeed(made),
        (error: unknown) => this.fail(made, error),
      );
      this.last = group = made;
    }
    group.entries.push({ snapshot, then: options.then, settled: options.settled });
    if (options.finishes) group.finishes = true;
    return group.done;
  }

  private succeed(group: CommitGroup): void {
    if (this.last === group) this.last = undefined;
    for (const entry of group.entries) {
      this.hooks.announce(entry.snapshot);
      entry.then?.();
      entry.settled?.();
    }
    if (group.finishes) this.hooks.finished();
  }

  private fail(group: CommitGroup, error: unknown): void {
    if (this.last === group) this.last = undefined;
    for (const entry of group.entries) {
      this.hooks.failed(error);
      entry.settled?.();
    }
    if (group.finishes) this.hooks.finished();
  }
}
