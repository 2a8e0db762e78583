/** HTTP calls of the UI, all relative to the page's origin. */
import type { StartTaskRequest, StartTaskResponse, TaskDto } from '../protocol.js';
import { readTask } from './read-task.js';

/** Outcome of {@link startTask}: the new task's id, or a message to show the person. */
export type StartTaskOutcome = { ok: true; taskId: string; message: string } | { ok: false; message: string };

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
    return { ok: false, message: 'Could not reach the server. Check the connection and try again.' };
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
}

/** `GET /api/tasks?clientId=…&limit=…`: the session's tasks, newest first. Throws on failure. */
export async function listTasks(fetchFn: typeof fetch, clientId: string, limit = 200): Promise<TaskPage> {
  const response = await fetchFn(`/api/tasks?clientId=${encodeURIComponent(clientId)}&limit=${limit}`, {
    headers: { Accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`GET /api/tasks answered HTTP ${response.status}`);
  const body = (await response.json()) as { items?: unknown; total?: unknown };
  const items = Array.isArray(body.items) ? body.items.map(readTask).filter((task): task is TaskDto => task !== null) : [];
  return { items, total: typeof body.total === 'number' ? body.total : items.length };
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
    return { ok: false, message: 'Could not reach the server. Check the connection and try again.' };
  }
  const body = await readJson(response);
  const task = response.ok ? readTask(body) : null;
  if (task) return { ok: true, task };
  return { ok: false, message: messageOf(body) ?? `The server refused to ${action} the task (HTTP ${response.status}).` };
}
