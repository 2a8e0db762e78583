import type { TaskState } from '../protocol/messages.js';

/**
 * A task as the engine keeps it. Times are epoch milliseconds (cheap to compare and store);
 * the server turns them into ISO strings at the wire boundary.
 */
export interface TaskRecord {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The session that owns the task: only its sockets hear about it. */
  readonly clientId: string;
  state: TaskState;
  /** 0-100. */
  progress: number;
  /** Human-readable step text, e.g. `Processing step 3/10`. */
  statusText: string;
  result: string | null;
  error: string | null;
  readonly createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  /** 1 for the first run, incremented by every automatic retry or re-run after a crash. */
  attempt: number;
  /** Runs allowed before a failure is final (automatic retries with backoff in between). */
  maxAttempts: number;
  /** Higher runs first; equal priorities run in submission order. */
  priority: number;
  /**
   * Why a queued task waits although it is its turn (`paused`, `job limit 1 reached`, `rate limit:
   * next slot in 12 s`); set by the admission gate, never stored.
   */
  waitReason?: string | null;
  /** The recurring schedule this task is a run of; absent for tasks started by hand. */
  readonly scheduleId?: string | null;
  /**
   * When a task waits for a time, the epoch ms at which it enters the queue: a delayed task (state
   * scheduled) or a retry backoff (state queued).
   */
  runAt: number | null;
  /**
   * The job (owner's jobs file) it runs, else null or absent. Not stored: derived from the kind
   * at submit and at recovery.
   */
  job?: string | null;
}

/** What a caller asks the engine to run. */
export interface TaskSubmission {
  name: string;
  clientId: string;
  /** Registered kind name; `demo` when absent. */
  kind?: string;
  parameters?: Record<string, unknown>;
  /** Higher runs first. Default 0. */
  priority?: number;
  /** Overrides the kind's default number of attempts. */
  maxAttempts?: number;
  /** Epoch ms: until then the task is `scheduled`; absent or past, it is queued at once. */
  runAt?: number;
  /** The recurring schedule this task is a run of. */
  scheduleId?: string;
}

/** Counts of the tasks the engine currently knows, by state. */
export type TaskCounts = Record<TaskState, number>;
