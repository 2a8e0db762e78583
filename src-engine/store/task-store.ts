import type { TaskRecord } from '../engine/task-record.js';

/**
 * Where the engine keeps tasks across restarts. The engine calls it on every change; a store
 * decides how to batch. Contract:
 * - `save` resolves once the task's current state is durable: the engine announces a state
 *   change only after that, so a client never sees a state that a crash could take back;
 * - `saveSoon` records a progress tick without a promise: it rides along with the next batch
 *   (a crash may lose the latest ticks, never a state change);
 * - `loadAll` returns every stored task in the order they were created; with a `finishedLimit`,
 *   only the newest that many finished ones (and every unfinished one): the rest is history the
 *   engine would forget at once, which the store may then delete on its own (in the background).
 */
export interface TaskStore {
  /**
   * `false` for a store that keeps nothing: the engine then announces changes at once, with no
   * wait for a write that would not happen. Absent means durable.
   */
  readonly durable?: boolean;
  /**
   * Why writes fail right now (a short cause such as `disk full (SQLITE_FULL)`), undefined while
   * they succeed. A store that has it holds the changes it could not write and retries them: their
   * `save` promises resolve once durable. The engine takes no new work meanwhile.
   */
  readonly failure?: string | undefined;
  /** Resolves once writes succeed again (at once when they do). */
  writable?(): Promise<void>;
  /** Shutdown: one last try of what is held, then failed writes reject instead of waiting. */
  stopRetrying?(): void;
  loadAll(options?: LoadOptions): TaskRecord[];
  save(task: Readonly<TaskRecord>): Promise<void>;
  saveSoon(task: Readonly<TaskRecord>): void;
  delete(ids: readonly string[]): Promise<void>;
  /** Writes what is pending and releases the file. */
  close(): Promise<void>;
}

/** Options of {@link TaskStore.loadAll}. */
export interface LoadOptions {
  /** Finished tasks to load at most, the newest by creation, i.e. in the order their rows were first written (the engine's history limit). */
  finishedLimit?: number;
}

/** A store that keeps nothing: `--in-memory` runs and tests. */
export class MemoryTaskStore implements TaskStore {
  readonly durable = false;
  loadAll(): TaskRecord[] {
    return [];
  }
  save(): Promise<void> {
    return RESOLVED;
  }
  saveSoon(): void {}
  delete(): Promise<void> {
    return RESOLVED;
  }
  close(): Promise<void> {
    return RESOLVED;
  }
}

const RESOLVED = Promise.resolve();
