/**
 * The wire contract shared by the server and every client (the UI imports these types only).
 *
 * Everything the original ASP.NET service put on the wire (../shared/seed/PROTOCOL.md) is kept
 * exactly: names, shapes and the PascalCase `status` strings. Our additions are strictly additive
 * (extra fields such as `state`, extra message types such as `snapshot`), so a client written
 * for the original keeps working unchanged.
 */

/** Lifecycle state of a task, lower-case, as our additive `state` field carries it. */
export type TaskState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** States a task never leaves. */
export const FINAL_STATES: readonly TaskState[] = ['completed', 'failed', 'cancelled'];

/**
 * A task as it goes over the wire (`taskProgress.data`, REST reads, snapshots).
 * The first ten fields are the original's; the rest are additions.
 */
export interface TaskDto {
  id: string;
  name: string;
  /** Original's status text: `Queued`, `Running`, `Processing step i/10`, `Completed`, `Failed`, `Cancelled`. */
  status: string;
  progress: number;
  result: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  clientId: string;
  /** Addition: the lifecycle state, independent of the free-form status text. */
  state: TaskState;
  /** Addition: the task kind that runs it (`demo` for the original's simulated work). */
  kind: string;
  /** Addition: the parameters it was started with. */
  parameters: Record<string, unknown>;
  /** Addition: the requested duration in ms for kinds that have one, else null. */
  duration: number | null;
  /** Addition: the current run, 1 for the first; retries count up. */
  attempt: number;
  /** Addition: runs allowed before a failure is final. */
  maxAttempts: number;
  /** Addition: higher runs first. */
  priority: number;
  /** Addition: when a task waits out a retry backoff, the time it re-enters the queue. */
  retryAt: string | null;
}

/** `taskQueued.data`: the original's shape plus the additive fields of {@link TaskDto}. */
export type TaskQueuedData = TaskDto;

/** Envelope of every message, both directions: one JSON text frame. */
export interface Envelope<TType extends string, TData> {
  type: TType;
  data: TData;
  timestamp: string;
  /**
   * Addition: on messages about a session's tasks, their number in that session (1, 2, 3, ...).
   * A client reconnects with `?lastSeq=N&epoch=E` to get exactly the messages it missed.
   */
  seq?: number;
}

/**
 * Sent to a socket right after it opens. Additions: `epoch` names this server run (sequence
 * numbers are only comparable within one), `seq` is the session's latest number.
 */
export type ConnectionMessage = Envelope<'connection', { status: 'connected'; socketId: string; serverTime: string; epoch: string; seq: number }>;
/**
 * Addition: the session's current tasks, newest first (at most 200 of `total`; `counts` by state
 * covers them all), as of sequence number `seq`. Sent right
 * after `connection` unless the client resumed (then `resumed` follows the missed messages).
 */
export type SnapshotMessage = Envelope<'snapshot', { tasks: TaskDto[]; seq: number; epoch: string; total: number; counts: Record<TaskState, number> }>;
/** Addition: the missed messages (`replayed` of them, up to `seq`) were just re-sent, in order. */
export type ResumedMessage = Envelope<'resumed', { replayed: number; seq: number; epoch: string }>;
/** A task was accepted. */
export type TaskQueuedMessage = Envelope<'taskQueued', TaskQueuedData>;
/** A task changed: state, progress or status text. */
export type TaskProgressMessage = Envelope<'taskProgress', TaskDto>;
/** Addition: finished tasks that were deleted (one by one or by clearing). */
export type TasksDeletedMessage = Envelope<'tasksDeleted', { ids: string[] }>;
/** Answer to a client's `ping`. */
export type PongMessage = Envelope<'pong', { timestamp: string }>;

/** Addition, to the owner's sockets only (see {@link OwnerServerMessage}): the current minute's stats, every few seconds (GET /api/stats has the history). */
export type StatsTickMessage = Envelope<'statsTick', StatsPointDto>;

/** One point of the stats charts (`GET /api/stats` points, `statsTick` data). Durations in ms. */
export interface StatsPointDto {
  t: string;
  completed: number;
  failed: number;
  cancelled: number;
  queueMax: number | null;
  runningMax: number | null;
  p50: number | null;
  p95: number | null;
}

/** Every message the server sends. */
export type ServerMessage = ConnectionMessage | SnapshotMessage | ResumedMessage | TaskQueuedMessage | TaskProgressMessage | TasksDeletedMessage | PongMessage;

/**
 * What the owner's sockets may get besides {@link ServerMessage}. Kept apart so that clients
 * which handle every ServerMessage exhaustively need no change until they draw charts.
 */
export type OwnerServerMessage = ServerMessage | StatsTickMessage;

/** Client to server: a connectivity check answered by `pong`. */
export type PingMessage = Envelope<'ping', unknown>;
/** Every message a client may send; anything else is ignored by the server. */
export type ClientMessage = PingMessage;

/** `POST /api/task/start` request body. */
export interface StartTaskRequest {
  name: string;
  /** Milliseconds, 1000-30000, default 5000. */
  duration?: number;
  clientId?: string;
  parameters?: Record<string, unknown>;
  /** Addition: the task kind, default `demo`. */
  kind?: string;
  /** Addition: higher runs first, -10 to 10, default 0. */
  priority?: number;
  /** Addition: runs allowed before a failure is final (automatic retry with backoff), 1 to 10. */
  maxAttempts?: number;
}

/** `POST /api/task/start` response body (success and error share the shape, as in the original). */
export interface StartTaskResponse {
  taskId: string;
  message: string;
  status: 'Queued' | 'Error';
  timestamp: string;
}

/** Limits of the built-in `demo` kind's duration, in ms, as the original's form enforced them. */
export const DEMO_DURATION = { min: 1000, max: 30000, default: 5000 } as const;
