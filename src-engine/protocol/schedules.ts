/**
 * Wire types of schedules and queue control (docs/schedules.md). Owner-only: these travel over
 * `/api/schedules`, `/api/queue` and, as WebSocket frames, only to the owner's sockets.
 */
import type { TaskState } from './messages.js';

/** What happens when a run comes due while the schedule's previous run is still queued or running. */
export type OverlapPolicy = 'skip' | 'queue' | 'allow';
/** What happens to runs that came due while the server was down (or the machine asleep). */
export type MisfirePolicy = 'runOnce' | 'skip';

/** A recurring schedule as it goes over the wire. Times are ISO 8601 UTC. */
export interface ScheduleDto {
  id: string;
  name: string;
  /** The task kind (or job) each run is. */
  kind: string;
  parameters: Record<string, unknown>;
  /** 5 fields (minute precision) or 6 (the first is seconds). */
  cron: string;
  /** IANA time zone the expression is read in, e.g. `Europe/Berlin`. */
  timezone: string;
  enabled: boolean;
  overlap: OverlapPolicy;
  misfire: MisfirePolicy;
  /** `api`: made over the API (editable, deletable); `file`: declared in the jobs file (only enable/disable). */
  source: 'api' | 'file';
  /** The session whose task list the runs land in. */
  clientId: string;
  createdAt: string;
  updatedAt: string;
  lastRunAt: string | null;
  lastTaskId: string | null;
  /** The last run's task as the engine knows it now; null when none or forgotten. */
  lastRun: { taskId: string; state: TaskState; status: string } | null;
  /** Why the last attempt to start a run failed (a refused submission), else null. */
  lastError: string | null;
  /** The next time a run comes due; null when disabled (or the expression never fires again). */
  nextRunAt: string | null;
  /** The next three run times (the first is `nextRunAt`). */
  nextRuns: string[];
  /** With overlap `queue`: a run is waiting for the previous one to end. */
  runPending: boolean;
}

/** `POST /api/schedules` body; `PATCH /api/schedules/:id` takes any subset. */
export interface ScheduleInput {
  name: string;
  kind?: string;
  parameters?: Record<string, unknown>;
  cron: string;
  timezone?: string;
  enabled?: boolean;
  overlap?: OverlapPolicy;
  misfire?: MisfirePolicy;
  /** Session the runs land in; default the caller's session (`clientId`/`X-Session-Id`), else `owner`. */
  clientId?: string;
}

/** `GET /api/schedules/preview` answer. */
export interface SchedulePreviewDto {
  cron: string;
  timezone: string;
  runs: string[];
}

/** One kind's gate state in `GET /api/queue`. */
export interface QueueKindDto {
  kind: string;
  paused: boolean;
  /** At most this many of the kind run at once; null: no own limit. */
  concurrency: number | null;
  rateLimit: { max: number; perMs: number } | null;
  running: number;
  /** Waiting for a worker or for this kind's gate (paused, limit). */
  queued: number;
}

/** `GET /api/queue` answer and the `queueState` frame. */
export interface QueueStateDto {
  /** The whole queue is paused: no task starts; running ones finish. */
  paused: boolean;
  kinds: QueueKindDto[];
}
