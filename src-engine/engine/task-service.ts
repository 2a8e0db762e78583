import type { TaskState } from '../protocol/messages.js';
import type { QueueControl } from '../queue/queue-control.js';
import type { TaskLogStore } from '../store/task-log-store.js';
import type { EngineListener } from './engine-events.js';
import type { ControlResult, SubmitResult } from './engine-results.js';
import type { TaskKind } from './task-kind.js';
import type { TaskCounts, TaskRecord, TaskSubmission } from './task-record.js';
import type { SessionEventLog } from './session-event-log.js';

/** Filter and page of {@link TaskService.list}. */
export interface TaskQuery {
  /** Only this session's tasks; all sessions when absent. */
  clientId?: string;
  state?: TaskState;
  /** Case-insensitive substring of the name. */
  q?: string;
  /** Only tasks of this kind (jobs are kinds named by job id). Narrows `counts` too. */
  kind?: string;
  /** Only tasks created at or after this time, epoch ms. Narrows `counts` too. */
  createdAfter?: number;
  /** Only tasks created before this time, epoch ms. Narrows `counts` too. */
  createdBefore?: number;
  limit?: number;
  offset?: number;
}

/** A page of tasks, newest first, with the total before paging and counts by state. */
export interface TaskList {
  items: Readonly<TaskRecord>[];
  total: number;
  counts: TaskCounts;
}

/** Options of {@link TaskService.stop}. */
export interface StopOptions {
  /** How long running tasks may take to finish before they are cancelled. Default 10 s. */
  graceMs?: number;
}

/**
 * The engine's contract: what the server, the scheduler, the metrics and the desktop app use,
 * whichever backend runs the tasks. Two implement it: {@link TaskEngine} (the embedded channel
 * and SQLite store, the default) and `ClusterEngine` (BullMQ on Redis, `--redis URL`). Nothing
 * in front of it knows which one runs.
 */
export interface TaskService {
  /** Tasks that may wait in the queue before submit answers `queue-full`. */
  readonly capacity: number;
  /** Task log lines (read by the server). */
  readonly logs: TaskLogStore;
  /** Pause switches of the queue. */
  readonly queueControl: QueueControl;
  /**
   * Present when the backend numbers each session's events itself (a cluster: every node must
   * hand out the same numbers); absent, the server numbers them (one process, one journal).
   */
  readonly sessionLog?: SessionEventLog;
  /** Why the store cannot write right now; undefined while it can. */
  readonly storeFailure: string | undefined;
  /** Tasks waiting for a worker (or for a retry backoff to end). */
  readonly queuedCount: number;

  registerKind(kind: TaskKind<any>): void;
  unregisterKind(name: string): void;
  kindNamed(name: string): TaskKind<any> | undefined;
  kindOf(name: string): Readonly<TaskKind<any>> | undefined;
  kindNames(): string[];
  check(kindName: string, parameters: Record<string, unknown>): { ok: true } | { ok: false; reason: 'unknown-kind' | 'invalid-parameters'; message: string };

  /** Recovers what the store holds and starts running tasks. */
  start(): void | Promise<void>;
  /** Stops accepting tasks and lets running ones finish within the grace period. */
  stop(options?: StopOptions): Promise<void>;
  /** Hears every event, in order, until the returned function is called. */
  subscribe(listener: EngineListener): () => void;

  submit(submission: TaskSubmission): Promise<SubmitResult>;
  cancel(id: string): Promise<ControlResult>;
  retry(id: string): Promise<ControlResult>;
  delete(id: string): Promise<ControlResult>;
  clearFinished(clientId: string, states?: readonly TaskState[]): Promise<number>;

  get(id: string): Readonly<TaskRecord> | undefined;
  list(query?: TaskQuery): TaskList;
  counts(): TaskCounts;
  /** A session's tasks waiting for a worker. */
  queuedFor(clientId: string): number;
}
