import type { EngineRun } from './engine-run.js';
import type { TaskRecord } from './task-record.js';

/** What an entry of a group is (see {@link CommitGroup.entries}). */
const PLAIN = 0;
/** A run's `Running`: announced as the run's start view, then the run hears it is out. */
const START = 1;
/** A run's end: announced as its snapshot, then (durable or not) the run settles. */
const END = 2;
type Step = typeof PLAIN | typeof START | typeof END;

/** Consecutive commits that wait on the same save promise (one store batch). */
interface CommitGroup {
  saved: Promise<void>;
  /**
   * Flat, three slots per commit, `snapshot, run, step` (no object per commit: with a whole
   * batch of runs in flight, those objects all lived until the batch was durable, and the
   * young-generation collector copied every one of them).
   */
  entries: unknown[];
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
  /** A run's `Running` was announced. */
  runStarted(run: EngineRun): void;
  /** A run's end is over (announced, or given up because it is not durable). */
  runEnded(run: EngineRun): void;
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
   * Announces `snapshot` once `saved` resolves. `snapshot` must not change afterwards (a copy, or
   * a record that never changes again). Returns a promise that settles (never rejects) once that
   * is done, shared by the group.
   */
  add(saved: Promise<void>, snapshot: TaskRecord, finishes = false): Promise<void> {
    return this.push(saved, snapshot, undefined, PLAIN, finishes);
  }

  /** A run's `Running`: announced once `saved` resolves as `run.startView()`, made then; then `runStarted`. */
  addStart(saved: Promise<void>, run: EngineRun): Promise<void> {
    return this.push(saved, undefined, run, START, false);
  }

  /** A run's final state: `snapshot` announced once `saved` resolves; `runEnded` either way. */
  addEnd(saved: Promise<void>, snapshot: TaskRecord, run: EngineRun): Promise<void> {
    return this.push(saved, snapshot, run, END, true);
  }

  private push(saved: Promise<void>, snapshot: TaskRecord | undefined, run: EngineRun | undefined, step: Step, finishes: boolean): Promise<void> {
    let group = this.last;
    if (!group || group.saved !== saved) {
      const made: CommitGroup = { saved, entries: [], finishes: false, done: undefined! };
      made.done = saved.then(
        () => this.succeed(made),
        (error: unknown) => this.fail(made, error),
      );
      this.last = group = made;
    }
    group.entries.push(snapshot, run, step);
    if (finishes) group.finishes = true;
    return group.done;
  }

  private succeed(group: CommitGroup): void {
    if (this.last === group) this.last = undefined;
    const entries = group.entries;
    for (let i = 0; i < entries.length; i += 3) {
      const step = entries[i + 2] as Step;
      if (step === PLAIN) {
        this.hooks.announce(entries[i] as TaskRecord);
        continue;
      }
      const run = entries[i + 1] as EngineRun;
      if (step === START) {
        this.hooks.announce(run.startView());
        this.hooks.runStarted(run);
      } else {
        this.hooks.announce(entries[i] as TaskRecord);
        this.hooks.runEnded(run);
      }
    }
    if (group.finishes) this.hooks.finished();
  }

  private fail(group: CommitGroup, error: unknown): void {
    if (this.last === group) this.last = undefined;
    const entries = group.entries;
    for (let i = 0; i < entries.length; i += 3) {
      this.hooks.failed(error);
      if (entries[i + 2] === END) this.hooks.runEnded(entries[i + 1] as EngineRun);
    }
    if (group.finishes) this.hooks.finished();
  }
}
