/**
 * HTTP calls of the schedules view and queue control (owner only), relative to the page's origin.
 * Refusals and network failures become values with the server's message and code.
 */
import type { QueueStateDto, ScheduleDto, ScheduleInput, TaskDto } from '../protocol.js';
import { readTask } from '../tasks/read-task.js';
import { readQueueState, readSchedule, readScheduleList } from './read-schedule.js';

/** A refusal: the server's message (or ours when it could not be reached) and its error code. */
export interface Refusal {
  ok: false;
  message: string;
  /** The server's stable code (`INVALID_CRON`, `OWNER_ONLY`, …), null when unknown or unreachable. */
  code: string | null;
  /** HTTP status, 0 when the server could not be reached. */
  status: number;
}

/** An outcome: a value, or a {@link Refusal}. */
export type Outcome<T> = { ok: true; value: T } | Refusal;

const UNREACHABLE = 'Could not reach the server. Check the connection and try again.';

async function call(fetchFn: typeof fetch, url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown } | null> {
  try {
    const response = await fetchFn(url, { ...init, headers: { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}) } });
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    return { status: response.status, body };
  } catch {
    return null;
  }
}

function refusal(answer: { status: number; body: unknown } | null, what: string): Refusal {
  if (answer === null) return { ok: false, message: UNREACHABLE, code: null, status: 0 };
  const body = answer.body as { message?: unknown; code?: unknown } | null;
  const message = typeof body?.message === 'string' && body.message.trim() !== '' ? body.message : `The server refused to ${what} (HTTP ${answer.status}).`;
  return { ok: false, message, code: typeof body?.code === 'string' ? body.code : null, status: answer.status };
}

async function request<T>(fetchFn: typeof fetch, url: string, init: RequestInit, what: string, read: (body: unknown) => T | null): Promise<Outcome<T>> {
  const answer = await call(fetchFn, url, init);
  if (answer === null || answer.status < 200 || answer.status >= 300) return refusal(answer, what);
  const value = read(answer.body);
  return value === null ? { ok: false, message: `The server's answer could not be read (${what}).`, code: null, status: answer.status } : { ok: true, value };
}

/** Whether a refusal means "only the owner may": a paired device asked (403 `OWNER_ONLY`). */
export function ownerOnly(outcome: Outcome<unknown>): boolean {
  return !outcome.ok && (outcome.code === 'OWNER_ONLY' || outcome.status === 403);
}

const path = (id: string) => `/api/schedules/${encodeURIComponent(id)}`;
const json = (body: unknown): RequestInit => ({ body: JSON.stringify(body) });

/** `GET /api/schedules`: every schedule, oldest first. A paired device gets 403 `OWNER_ONLY`. */
export function listSchedules(fetchFn: typeof fetch): Promise<Outcome<ScheduleDto[]>> {
  return request(fetchFn, '/api/schedules', {}, 'list the schedules', (body) => (body !== null ? readScheduleList(body) : null));
}

/** `POST /api/schedules`; the runs land in `clientId`'s session (this browser's, so it sees them). */
export function createSchedule(fetchFn: typeof fetch, input: ScheduleInput, clientId: string): Promise<Outcome<ScheduleDto>> {
  return request(fetchFn, '/api/schedules', { method: 'POST', ...json({ ...input, clientId }) }, 'create the schedule', readSchedule);
}

/** `PATCH /api/schedules/:id` with any subset of the fields (e.g. `{ enabled: false }`). */
export function updateSchedule(fetchFn: typeof fetch, id: string, change: Partial<ScheduleInput>): Promise<Outcome<ScheduleDto>> {
  return request(fetchFn, path(id), { method: 'PATCH', ...json(change) }, 'change the schedule', readSchedule);
}

/** `DELETE /api/schedules/:id`; one already gone (404) counts as deleted. */
export async function deleteSchedule(fetchFn: typeof fetch, id: string): Promise<Outcome<string>> {
  const answer = await call(fetchFn, path(id), { method: 'DELETE' });
  if (answer !== null && (answer.status === 200 || answer.status === 404)) return { ok: true, value: id };
  return refusal(answer, 'delete the schedule');
}

/** `POST /api/schedules/:id/run`: a run now, whatever the plan; answers the schedule and the run's task. */
export function runScheduleNow(fetchFn: typeof fetch, id: string): Promise<Outcome<{ schedule: ScheduleDto; task: TaskDto }>> {
  return request(fetchFn, `${path(id)}/run`, { method: 'POST' }, 'start a run', (body) => {
    const { schedule, task } = (body ?? {}) as { schedule?: unknown; task?: unknown };
    const read = { schedule: readSchedule(schedule), task: readTask(task) };
    return read.schedule && read.task ? { schedule: read.schedule, task: read.task } : null;
  });
}

/** The preview URL for an expression in a zone. */
export function previewUrl(cron: string, timezone: string, count = 3): string {
  return `/api/schedules/preview?${new URLSearchParams({ cron, timezone, count: String(count) }).toString()}`;
}

/** `GET /api/schedules/preview`: the next `count` run times, or the server's reason (`INVALID_CRON`, `INVALID_TIMEZONE`). */
export function previewSchedule(fetchFn: typeof fetch, cron: string, timezone: string, count = 3, signal?: AbortSignal): Promise<Outcome<string[]>> {
  return request(fetchFn, previewUrl(cron, timezone, count), signal ? { signal } : {}, 'preview the expression', (body) => {
    const runs = (body as { runs?: unknown } | null)?.runs;
    return Array.isArray(runs) ? runs.filter((run): run is string => typeof run === 'string') : null;
  });
}

/** `GET /api/queue`: whether the queue and each kind are paused, with limits and counts. */
export function fetchQueue(fetchFn: typeof fetch): Promise<Outcome<QueueStateDto>> {
  return request(fetchFn, '/api/queue', {}, 'read the queue', readQueueState);
}

/**
 * Pauses or resumes the whole queue (`kind` null: `POST /api/queue/pause|resume`) or one kind
 * (`POST /api/queue/kinds/:kind/pause|resume`); answers the queue's new state.
 */
export function setQueuePaused(fetchFn: typeof fetch, paused: boolean, kind: string | null = null): Promise<Outcome<QueueStateDto>> {
  const verb = paused ? 'pause' : 'resume';
  const url = kind === null ? `/api/queue/${verb}` : `/api/queue/kinds/${encodeURIComponent(kind)}/${verb}`;
  return request(fetchFn, url, { method: 'POST' }, `${verb} ${kind === null ? 'the queue' : kind}`, readQueueState);
}

/** `GET /api/jobs`: the ids of the owner's jobs (kinds a schedule may run besides `demo`); empty when unknown. */
export async function fetchJobIds(fetchFn: typeof fetch): Promise<string[]> {
  const answer = await call(fetchFn, '/api/jobs');
  const jobs = answer && answer.status === 200 ? (answer.body as { jobs?: unknown } | null)?.jobs : null;
  if (!Array.isArray(jobs)) return [];
  return jobs.map((job) => (typeof job === 'object' && job !== null ? (job as { id?: unknown }).id : null)).filter((id): id is string => typeof id === 'string');
}
