/**
 * The wire contract shared by the server and every client (the UI imports these types only).
 *
 * Everything the original ASP.NET service put on the wire (../shared/seed/PROTOCOL.md) is kept
 * exactly: names, shapes and the PascalCase `status` strings. Our additions are strictly additive
 * (extra fields such as `state`, extra message types such as `snapshot`), so a client written
 * for the original keeps working unchanged.
 */

import type { QueueStateDto, ScheduleDto } from './schedules.js';

/**
 * Lifecycle state of a task, lower-case, as our additive `state` field carries it. `scheduled`:
 * a delayed task waiting for its `runAt` (then it is queued like any other).
 */
export type TaskState = 'scheduled' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

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
  /** Addition: when a task is `scheduled` (delayed), the time it is queued; else null. */
  runAt: string | null;
  /** Addition: the id of the job (owner's jobs file) this task runs; null for `demo` and code kinds. */
  job: string | null;
  /** Addition: the recurring schedule this task is a run of, else null. */
  scheduleId: string | null;
  /**
   * Addition: why a queued task waits although it is its turn: `paused`, `job limit 1 reached`,
   * `rate limit: next slot in 12 s`; null otherwise. (Optional here until queue control merges.)
   */
  waitReason?: string | null;
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

/**
 * Addition: log lines of a task, only to sockets that sent `subscribeLog` for it. The first frame
 * after a subscription carries the stored lines after the requested `after` (the latest
 * {@link TASK_LOG_BACKLOG} at most); later frames carry new lines, batched. `seq` is the number of
 * the last line the frame covers (resume with `after: seq`); `skipped` counts lines left out of
 * this frame (a chatty task; read them with `GET /api/tasks/:id/logs`).
 */
export type TaskLogMessage = Envelope<'taskLog', TaskLogData>;
/** Addition: answer to a `subscribeLog` the server refused (unknown task, another session's, too many). */
export type TaskLogRefusedMessage = Envelope<'taskLogRefused', { taskId: string; code: string; message: string }>;
/**
 * Addition, owner sockets only (loopback or API token): a schedule was created or changed, or its
 * next run time moved (after each run). Not numbered (`seq`): schedules are not session state.
 */
export type ScheduleUpdatedMessage = Envelope<'scheduleUpdated', ScheduleDto>;
/** Addition, owner sockets only: a schedule was deleted. */
export type ScheduleDeletedMessage = Envelope<'scheduleDeleted', { id: string }>;
/** Addition, owner sockets only: the queue was paused or resumed (whole or one kind). */
export type QueueStateMessage = Envelope<'queueState', QueueStateDto>;

/** Every message the server sends. */
export type ServerMessage =
  | ConnectionMessage
  | SnapshotMessage
  | ResumedMessage
  | TaskQueuedMessage
  | TaskProgressMessage
  | TasksDeletedMessage
  | PongMessage
  | TaskLogMessage
  | TaskLogRefusedMessage
  | ScheduleUpdatedMessage
  | ScheduleDeletedMessage
  | QueueStateMessage;

/** Client to server: a connectivity check answered by `pong`. */
export type PingMessage = Envelope<'ping', unknown>;
/**
 * Addition: client to server, flat (`{ "type": "subscribeLog", "taskId": "…", "after": 0 }`):
 * stream this task's log lines (numbered above `after`, default 0) in `taskLog` frames.
 */
export interface SubscribeLogMessage {
  type: 'subscribeLog';
  taskId: string;
  after?: number;
}
/** Addition: client to server: stop streaming a task's log lines. */
export interface UnsubscribeLogMessage {
  type: 'unsubscribeLog';
  taskId: string;
}
/** Every message a client may send; anything else is ignored by the server. */
export type ClientMessage = PingMessage | SubscribeLogMessage | UnsubscribeLogMessage;

/** Where a log line came from: the command's stdout or stderr, or the handler's `log()`. */
export type TaskLogStream = 'stdout' | 'stderr' | 'log';
/** Level of a line written with `log(message, level)`. */
export type TaskLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Addition: one line of a task's log. `seq` counts the task's lines from 1, across its runs. */
export interface TaskLogLine {
  seq: number;
  /** ISO 8601 UTC. */
  time: string;
  stream: TaskLogStream;
  level?: TaskLogLevel;
  text: string;
}

/** `taskLog.data`. */
export interface TaskLogData {
  taskId: string;
  lines: TaskLogLine[];
  /** Number of the last line covered (0: none yet). */
  seq: number;
  /** Lines left out of this frame (see {@link TaskLogMessage}). */
  skipped?: number;
}

/** Most stored lines the first `taskLog` frame after a subscription carries. */
export const TASK_LOG_BACKLOG = 1000;

/** `GET /api/tasks/:id/logs` answer. */
export interface TaskLogPage {
  taskId: string;
  /** Lines numbered above `after`, oldest first, at most `limit`. */
  lines: TaskLogLine[];
  /** Number of the latest line the task has written (stored or not). */
  lastSeq: number;
  /** True when lines follow the last one returned: ask again with `after` = its seq. */
  more: boolean;
}

/** Who may start a job: the owner (this machine, the API token) and/or paired devices. */
export type JobAudience = 'owner' | 'paired';

/** A job of the owner's jobs file, as `GET /api/jobs` lists it. */
export interface JobDto {
  id: string;
  title: string;
  description: string | null;
  /** `command` runs a program; `module` runs a JavaScript task kind. */
  type: 'command' | 'module';
  /** JSON Schema (type object) of the job's parameters: the UI renders a form from it. */
  parameterSchema: Record<string, unknown>;
  allow: JobAudience[];
  timeoutMs: number | null;
  maxAttempts: number;
  concurrency: number | null;
  /** The job's schedule as written in the file (run by the scheduler), or null. */
  schedule: Record<string, unknown> | null;
  /** Owner only: the argv template. */
  command?: string[];
  /** Owner only: the module path, as written in the file. */
  module?: string;
  /** Owner only: the working folder, as written. */
  cwd?: string | null;
  /** Owner only: extra environment variables. */
  env?: Record<string, string>;
}

/** `GET /api/jobs` answer: the jobs this caller may start, and why the file's last edit was refused (if it was). */
export interface JobListResponse {
  jobs: JobDto[];
  /** The jobs file in use (owner only), or null when there is none. */
  file?: string | null;
  /** Null, or why the jobs file could not be (re)loaded: the jobs listed are the last good set. */
  error: string | null;
}

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
  /** Addition: run later, at this ISO 8601 time with a zone (`Z` or `±hh:mm`); at most a year ahead. */
  runAt?: string;
  /** Addition: run later, this many ms from now (0 to a year). Not with `runAt`. */
  delayMs?: number;
  /** Addition: a job of the owner's jobs file (`GET /api/jobs`); `parameters` are checked against its schema. */
  job?: string;
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
