import { describe, expect, it, vi } from 'vitest';
import { controlTask, fetchActiveConnections, listTasks, startTask } from './tasks-api.js';
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
    expect(await listTasks(ok as unknown as typeof fetch, 'c')).toEqual({ items: [running('a', 10)], total: 7 });
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
