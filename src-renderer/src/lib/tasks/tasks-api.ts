/** HTTP calls of the UI, all relative to the page's origin. */
import type { StartTaskRequest, StartTaskResponse, TaskDto, TaskState } from '../protocol.js';
import { readTask } from './read-task.js';

/** Outcome of {@link startTask}: the new task's id, or a message to show the person. */
export type StartTaskOutcome = { ok: true; taskId: string; message: string } | { ok: false; message: string };

const UNREACHABLE = 'Could not reach the server. Check the connection and try again.';

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function messageOf(body: unknown): string | null {
  if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
    const message = (body as { message: string }).message.trim();
    return message === '' ? null : message;
  }
  return null;
}

/**
 * `POST /api/task/start`. Server errors (`{ taskId: "", message, status: "Error" }`, 400/503/…)
 * and network failures become `{ ok: false, message }`.
 */
export async function startTask(fetchFn: typeof fetch, request: StartTaskRequest): Promise<StartTaskOutcome> {
  let response: Response;
  try {
    response = await fetchFn('/api/task/start', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(request),
    });
  } catch {
    return { ok: false, message: UNREACHABLE };
  }
  const body = (await readJson(response)) as Partial<StartTaskResponse> | null;
  if (response.ok && body && typeof body.taskId === 'string' && body.taskId !== '' && body.status !== 'Error') {
    return { ok: true, taskId: body.taskId, message: messageOf(body) ?? 'Task queued' };
  }
  return { ok: false, message: messageOf(body) ?? `The server refused the task (HTTP ${response.status}).` };
}

/** The session's tasks as `GET /api/tasks` lists them. */
export interface TaskPage {
  items: TaskDto[];
  total: number;
  /** Counts by state of the whole scope (session, or every session), whatever the state and name filters; null from a server that sends none. */
  counts: Record<TaskState, number> | null;
}

/** What {@link listTasks} asks for: a page of the session's tasks, optionally filtered. */
export interface ListQuery {
  limit?: number;
  offset?: number;
  state?: TaskState | null;
  /** Name contains this (case-insensitive); blank means any. */
  q?: string;
  /** Every session's tasks (`all=1`, the owner only) instead of the session's. */
  all?: boolean;
  /** The owner's filters (see `TaskFilter`): kind, a session (with `all`), creation time range (UTC). */
  kind?: string | undefined;
  session?: string | undefined;
  after?: string | undefined;
  before?: string | undefined;
}

/** The `GET /api/tasks` URL for a session (or, with `all`, every session) and query. */
export function listUrl(clientId: string, query: ListQuery = {}): string {
  const params = new URLSearchParams();
  if (query.all) {
    params.set('all', '1');
    if (query.session) params.set('clientId', query.session);
  } else params.set('clientId', clientId);
  params.set('limit', String(query.limit ?? 200));
  if (query.offset) params.set('offset', String(query.offset));
  if (query.state) params.set('state', query.state);
  const q = query.q?.trim() ?? '';
  if (q !== '') params.set('q', q);
  if (query.kind) params.set('kind', query.kind);
  if (query.after) params.set('createdAfter', query.after);
  if (query.before) params.set('createdBefore', query.before);
  return `/api/tasks?${params.toString()}`;
}

/** What a bulk action does to each task. */
export type BulkAction = 'cancel' | 'retry' | 'delete';

/** The tasks a bulk action applies to: some by id, or every task matching a filter. */
export type BulkTarget = { ids: string[] } | { filter: { state?: TaskState; q?: string; kind?: string; clientId?: string; createdAfter?: string; createdBefore?: string } };

/** Outcome of {@link bulkTasks}: how it went per task, or a message to show. */
export type BulkOutcome = { ok: true; matched: number; succeeded: number; failed: { id: string; code: string; message: string }[] } | { ok: false; message: string };

/** `POST /api/tasks/bulk` (the owner only): cancels, retries or deletes many tasks at once. */
export async function bulkTasks(fetchFn: typeof fetch, action: BulkAction, target: BulkTarget): Promise<BulkOutcome> {
  let response: Response;
  try {
    response = await fetchFn('/api/tasks/bulk', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ action, ...target }),
    });
  } catch {
    return { ok: false, message: UNREACHABLE };
  }
  const body = (await readJson(response)) as { matched?: unknown; succeeded?: unknown; failed?: unknown } | null;
  if (response.ok && body && typeof body.matched === 'number' && typeof body.succeeded === 'number' && Array.isArray(body.failed)) {
    return { ok: true, matched: body.matched, succeeded: body.succeeded, failed: body.failed as { id: string; code: string; message: string }[] };
  }
  return { ok: false, message: messageOf(body) ?? `The server refused the bulk action (HTTP ${response.status}).` };
}

/**
 * `GET /api/tasks?clientId=…&limit=…[&state=…&q=…&offset=…]`: the session's tasks, newest first,
 * and how many match in all. Throws on failure.
 */
export async function listTasks(fetchFn: typeof fetch, clientId: string, query: ListQuery = {}): Promise<TaskPage> {
  const response = await fetchFn(listUrl(clientId, query), { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET /api/tasks answered HTTP ${response.status}`);
  const body = (await response.json()) as { items?: unknown; total?: unknown; counts?: unknown };
  const items = Array.isArray(body.items) ? body.items.map(readTask).filter((task): task is TaskDto => task !== null) : [];
  return { items, total: typeof body.total === 'number' ? body.total : items.length, counts: readCounts(body.counts) };
}

/** Counts by state from an answer, or null when absent or malformed. */
export function readCounts(value: unknown): Record<TaskState, number> | null {
  if (typeof value !== 'object' || value === null) return null;
  const counts: Record<TaskState, number> = { scheduled: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const state of Object.keys(counts) as TaskState[]) {
    const n = (value as Record<string, unknown>)[state];
    if (typeof n !== 'number') return null;
    counts[state] = n;
  }
  return counts;
}

/** `GET /health` → the server's open WebSocket count, or `null` when unavailable. */
export async function fetchActiveConnections(fetchFn: typeof fetch): Promise<number | null> {
  try {
    const response = await fetchFn('/health', { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) return null;
    const body = (await response.json()) as { activeConnections?: unknown };
    return typeof body.activeConnections === 'number' ? body.activeConnections : null;
  } catch {
    return null;
  }
}

/** A control a person can apply to one task. */
export type TaskAction = 'cancel' | 'retry';

/** Outcome of {@link controlTask}: the task as it is now, or a message to show. */
export type TaskActionOutcome = { ok: true; task: TaskDto } | { ok: false; message: string };

/**
 * `POST /api/tasks/:id/cancel` or `/retry` for the session's own task. Refusals (404, 409 for a
 * task in the wrong state, 503) and network failures become `{ ok: false, message }`.
 */
export async function controlTask(fetchFn: typeof fetch, id: string, action: TaskAction, clientId: string): Promise<TaskActionOutcome> {
  let response: Response;
  try {
    response = await fetchFn(`/api/tasks/${encodeURIComponent(id)}/${action}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ clientId }),
    });
  } catch {
    return { ok: false, message: UNREACHABLE };
  }
  const body = await readJson(response);
  const task = response.ok ? readTask(body) : null;
  if (task) return { ok: true, task };
  return { ok: false, message: messageOf(body) ?? `The server refused to ${action} the task (HTTP ${response.status}).` };
}

/** Outcome of {@link deleteTask} and {@link clearFinishedTasks}. */
export type DeleteOutcome = { ok: true; deleted: number } | { ok: false; message: string };

/**
 * `DELETE /api/tasks/:id`: forgets one finished task of the session. A task the server does not
 * know (404: deleted meanwhile, e.g. from another tab) counts as deleted (`deleted: 0`); a
 * refusal (409 while it is not finished) and network failures become `{ ok: false, message }`.
 */
export async function deleteTask(fetchFn: typeof fetch, id: string, clientId: string): Promise<DeleteOutcome> {
  let response: Response;
  try {
    response = await fetchFn(`/api/tasks/${encodeURIComponent(id)}?clientId=${encodeURIComponent(clientId)}`, {
      method: 'DELETE',
      headers: { Accept: 'application/json' },
    });
  } catch {
    return { ok: false, message: UNREACHABLE };
  }
  if (response.ok) return { ok: true, deleted: 1 };
  if (response.status === 404) return { ok: true, deleted: 0 };
  return { ok: false, message: messageOf(await readJson(response)) ?? `The server refused to delete the task (HTTP ${response.status}).` };
}

/**
 * `DELETE /api/tasks?clientId=…[&state=…]`: forgets the session's finished tasks (of one final
 * state, or all) on the server; answers how many.
 */
export async function clearFinishedTasks(fetchFn: typeof fetch, clientId: string, state: TaskState | null = null): Promise<DeleteOutcome> {
  const params = new URLSearchParams({ clientId });
  if (state) params.set('state', state);
  let response: Response;
  try {
    response = await fetchFn(`/api/tasks?${params.toString()}`, { method: 'DELETE', headers: { Accept: 'application/json' } });
  } catch {
    return { ok: false, message: UNREACHABLE };
  }
  const body = await readJson(response);
  if (response.ok) {
    const deleted = typeof body === 'object' && body !== null ? (body as { deleted?: unknown }).deleted : undefined;
    return { ok: true, deleted: typeof deleted === 'number' ? deleted : 0 };
  }
  return { ok: false, message: messageOf(body) ?? `The server refused to clear the finished tasks (HTTP ${response.status}).` };
}
