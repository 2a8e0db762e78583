import { RunControl } from './run-control.js';
import type { TaskRecord } from './task-record.js';

/**
 * One run of a task in the engine: its {@link RunControl}, the task, and what its `Running`
 * announcement must show. With a durable store, `Running` is announced only once durable, usually
 * in the same store batch as the run's end; a snapshot copied at the start of every run lived
 * (and was copied by the young-generation collector) across the whole batch. The run keeps the
 * few fields a run can change instead, and {@link startView} builds the announced record when it
 * is announced, so it dies young.
 */
export class EngineRun extends RunControl {
  private result: string | null = null;
  private error: string | null = null;
  private startedAt: number | null = null;
  private completedAt: number | null = null;
  private attempt = 0;
  private runAt: number | null = null;
  /** Its place in the engine's {@link RunSlots} while its handler runs; -1 otherwise. */
  slot = -1;

  constructor(readonly task: TaskRecord) {
    super();
  }

  /**
   * The task is `running` now (state, `Running`, progress 0, no wait reason): remembers what the
   * rest of the run, a retry or a user's retry may change before `Running` is announced.
   * Every other field of a record stays as it is for the whole run (name, kind, parameters,
   * session, priority, attempts allowed, schedule, job).
   */
  started(): void {
    const task = this.task;
    this.result = task.result;
    this.error = task.error;
    this.startedAt = task.startedAt;
    this.completedAt = task.completedAt;
    this.attempt = task.attempt;
    this.runAt = task.runAt;
  }

  /** The task as it was when {@link started} ran: what `{ ...task }` copied then. */
  startView(): TaskRecord {
    return {
      ...this.task,
      state: 'running',
      progress: 0,
      statusText: 'Running',
      result: this.result,
      error: this.error,
      startedAt: this.startedAt,
      completedAt: this.completedAt,
      attempt: this.attempt,
      runAt: this.runAt,
      waitReason: null,
    };
  }
}
