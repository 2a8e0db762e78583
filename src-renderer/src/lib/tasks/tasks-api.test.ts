import { describe, expect, it, vi } from 'vitest';
import { clearFinishedTasks, controlTask, deleteTask, fetchActiveConnections, listTasks, listUrl, startTask } from './tasks-api.js';
import { running } from './test-tasks.js';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('startTask', () => {
  it('posts JSON and returns the task id', async () => {
    const fetchFn = vi.fn(async () => json(200, { taskId: 't1', message: 'Task queued', status: 'Queued', timestamp: 'x' }));
    const outcome = await startTask(fetchFn as unknown as typeof fetch, { name: 'n', duration: 1000, clientId: 'c' });
    expect(outcome).toEqual({ ok: true, taskId: 't1', message: 'Task queued' });
    const [url, init] = fetchFn.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/task/start');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(JSON.parse(init.body as string)).toEqual({ name: 'n', duration: 1000, clientId: 'c' });
  });

  it("shows the server's error message", async () => {
    const fetchFn = async () => json(400, { taskId: '', message: 'Task name is required', status: 'Error', timestamp: 'x' });
    expect(await startTask(fetchFn as typeof fetch, { name: '' })).toEqual({ ok: false, message: 'Task name is required' });
  });

  it('explains non-JSON errors and network failures', async () => {
    const html = async () => new Response('<h1>Bad gateway</h1>', { status: 503 });
    expect(await startTask(html as typeof fetch, { name: 'n' })).toEqual({ ok: false, message: expect.stringContaining('503') });
    const down = async () => {
      throw new TypeError('fetch failed');
    };
    expect(await startTask(down as typeof fetch, { name: 'n' })).toMatchObject({ ok: false, message: expect.stringContaining('reach') });
  });
});

describe('listTasks', () => {
  it('reads items and total, and throws on HTTP errors', async () => {
    const ok = async () => json(200, { items: [running('a', 10), { id: 'malformed' }], total: 7 });
    expect(await listTasks(ok as unknown as typeof fetch, 'c')).toEqual({ items: [running('a', 10)], total: 7, counts: null });
    const counts = { scheduled: 0, queued: 1, running: 2, completed: 3, failed: 4, cancelled: 5 };
    const withCounts = async () => json(200, { items: [], total: 15, counts });
    expect((await listTasks(withCounts as unknown as typeof fetch, 'c')).counts).toEqual(counts);
    const bad = async () => json(500, {});
    await expect(listTasks(bad as unknown as typeof fetch, 'c')).rejects.toThrow(/500/);
  });
});

describe('fetchActiveConnections', () => {
  it('returns the count, or null when unavailable', async () => {
    expect(await fetchActiveConnections((async () => json(200, { activeConnections: 3 })) as unknown as typeof fetch)).toBe(3);
    expect(await fetchActiveConnections((async () => json(503, {})) as unknown as typeof fetch)).toBeNull();
    expect(
      await fetchActiveConnections((async () => {
        throw new Error('down');
      }) as unknown as typeof fetch),
    ).toBeNull();
  });
});

describe('controlTask', () => {
  it('posts the session id to the action endpoint and returns the task', async () => {
    const cancelled = { ...running('t1', 30), state: 'cancelled', status: 'Cancelled' };
    const fetchFn = vi.fn(async () => json(200, cancelled));
    expect(await controlTask(fetchFn as unknown as typeof fetch, 't1', 'cancel', 'c')).toEqual({ ok: true, task: cancelled });
    const [url, init] = fetchFn.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/tasks/t1/cancel');
    expect(JSON.parse(init.body as string)).toEqual({ clientId: 'c' });
  });
  it('returns the refusal message', async () => {
    const refused = async () => json(409, { code: 'INVALID_STATE', message: 'Cannot retry a running task', status: 'Error' });
    expect(await controlTask(refused as unknown as typeof fetch, 't1', 'retry', 'c')).toEqual({ ok: false, message: 'Cannot retry a running task' });
  });
});

describe('listUrl', () => {
  it('asks for a page of the session, filtered when asked', () => {
    expect(listUrl('c 1')).toBe('/api/tasks?clientId=c+1&limit=200');
    expect(listUrl('c', { limit: 50, offset: 100, state: 'failed', q: '  Report ' })).toBe('/api/tasks?clientId=c&limit=50&offset=100&state=failed&q=Report');
    expect(listUrl('c', { state: null, q: '   ' })).toBe('/api/tasks?clientId=c&limit=200');
  });
});

describe('deleteTask', () => {
  it('sends DELETE with the session id', async () => {
    const fetchFn = vi.fn(async () => json(200, running('t 1', 100)));
    expect(await deleteTask(fetchFn as unknown as typeof fetch, 't 1', 'c')).toEqual({ ok: true, deleted: 1 });
    const [url, init] = fetchFn.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/tasks/t%201?clientId=c');
    expect(init.method).toBe('DELETE');
  });
  it('counts a task that is already gone as deleted', async () => {
    const gone = async () => json(404, { code: 'NOT_FOUND', message: 'No task with id t1 in this session', status: 'Error' });
    expect(await deleteTask(gone as unknown as typeof fetch, 't1', 'c')).toEqual({ ok: true, deleted: 0 });
  });
  it('returns the refusal message, or explains a network failure', async () => {
    const refused = async () => json(409, { code: 'INVALID_STATE', message: 'Cannot delete a running task', status: 'Error' });
    expect(await deleteTask(refused as unknown as typeof fetch, 't1', 'c')).toEqual({ ok: false, message: 'Cannot delete a running task' });
    const down = async () => {
      throw new TypeError('fetch failed');
    };
    expect(await deleteTask(down as unknown as typeof fetch, 't1', 'c')).toMatchObject({ ok: false, message: expect.stringContaining('reach') });
  });
});

describe('clearFinishedTasks', () => {
  it('deletes the finished tasks of the session, of one state when asked', async () => {
    const fetchFn = vi.fn(async () => json(200, { deleted: 4 }));
    expect(await clearFinishedTasks(fetchFn as unknown as typeof fetch, 'c')).toEqual({ ok: true, deleted: 4 });
    expect(await clearFinishedTasks(fetchFn as unknown as typeof fetch, 'c', 'failed')).toEqual({ ok: true, deleted: 4 });
    const urls = fetchFn.mock.calls.map((call) => (call as unknown as [string])[0]);
    expect(urls).toEqual(['/api/tasks?clientId=c', '/api/tasks?clientId=c&state=failed']);
    expect((fetchFn.mock.calls[0] as unknown as [string, RequestInit])[1].method).toBe('DELETE');
  });
  it('returns the refusal message', async () => {
    const refused = async () => json(400, { code: 'SESSION_REQUIRED', message: 'Say whose tasks these are', status: 'Error' });
    expect(await clearFinishedTasks(refused as unknown as typeof fetch, '')).toEqual({ ok: false, message: 'Say whose tasks these are' });
  });
});
