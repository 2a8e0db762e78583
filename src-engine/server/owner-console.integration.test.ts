import { afterEach, describe, expect, it } from 'vitest';
import { startTaskMonitor, type RunningTaskMonitor } from '../launcher/start-task-monitor.js';
import type { ServerMessage, TaskDto } from '../protocol/messages.js';
import { getJson, postJson } from '../test-support/http.js';
import { MessageCollector } from '../test-support/message-collector.js';
import { request } from './access/test-support/raw-client.js';

/**
 * The owner's console over real sockets: every session's list with its filters (kind, session,
 * creation time), bulk actions, and the all-tasks WebSocket feed; and that a paired device (not
 * the owner, even on loopback) gets none of them.
 */
const TOKEN = 'owner-console-test-token-0123456789';
const monitors: RunningTaskMonitor[] = [];
const sockets: MessageCollector[] = [];
async function launch(): Promise<RunningTaskMonitor> {
  const monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent', graceMs: 0, concurrency: 8, token: TOKEN });
  monitors.push(monitor);
  return monitor;
}
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  await Promise.all(monitors.splice(0).map((m) => m.close()));
});

async function start(server: RunningTaskMonitor, clientId: string, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await postJson(`${server.url}/api/task/start`, { name, duration: 1000, clientId, ...extra });
  expect(response.status).toBe(200);
  return response.body.taskId as string;
}

async function pairedCookie(server: RunningTaskMonitor): Promise<string> {
  const paired = await request(`${server.url}/pair?code=${server.access.pairing.current}`);
  return String(paired.headers['set-cookie']).split(';')[0]!;
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function openAll(server: RunningTaskMonitor, headers: Record<string, string> = {}): Promise<{ opened: true; collector: MessageCollector } | { opened: false; status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const collector = new MessageCollector(`${server.url.replace(/^http/, 'ws')}/ws?scope=all`, { headers });
    collector.socket.once('open', () => {
      sockets.push(collector);
      resolve({ opened: true, collector });
    });
    collector.socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ opened: false, status: res.statusCode ?? 0, body }));
    });
    collector.socket.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

describe('GET /api/tasks?all=1 filters', () => {
  it('narrows every session’s tasks by session, kind, name, state and creation time; counts follow the scope', async () => {
    const server = await launch();
    await start(server, 'sa', 'Alpha report');
    await start(server, 'sb', 'Beta report', { parameters: { failAtStep: 1 } });
    const t0 = new Date(Date.now() + 5).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await start(server, 'sb', 'Gamma export');
    await until(() => server.engine.counts().failed === 1, 'Beta fails');

    const bySession = await getJson(`${server.url}/api/tasks?all=1&clientId=sb`);
    expect(bySession.body.items.map((t: TaskDto) => t.name)).toEqual(['Gamma export', 'Beta report']);
    expect(bySession.body.counts.failed).toBe(1);
    expect((await getJson(`${server.url}/api/tasks?all=1&kind=demo&q=report`)).body.total).toBe(2);
    expect((await getJson(`${server.url}/api/tasks?all=1&kind=resize`)).body).toMatchObject({ total: 0, items: [] });
    const late = await getJson(`${server.url}/api/tasks?all=1&createdAfter=${encodeURIComponent(t0)}`);
    expect(late.body.items.map((t: TaskDto) => t.name)).toEqual(['Gamma export']);
    expect(Object.values(late.body.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(1);
    const early = await getJson(`${server.url}/api/tasks?all=1&createdBefore=${encodeURIComponent(t0)}&state=failed`);
    expect(early.body.items.map((t: TaskDto) => t.name)).toEqual(['Beta report']);

    const bad = await getJson(`${server.url}/api/tasks?all=1&createdAfter=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('createdAfter must be an ISO 8601 time') });
    const backwards = await getJson(`${server.url}/api/tasks?all=1&createdAfter=2026-12-02T00:00:00Z&createdBefore=2026-12-01T00:00:00Z`);
    expect(backwards.status).toBe(400);
    // A session's own list takes the same filters.
    expect((await getJson(`${server.url}/api/tasks?clientId=sb&createdAfter=${encodeURIComponent(t0)}`)).body.total).toBe(1);
  });
});

describe('POST /api/tasks/bulk', () => {
  it('retries every failed task matching a filter, across sessions, and reports each refusal', async () => {
    const server = await launch();
    const a = await start(server, 'sa', 'Flaky A', { parameters: { failAtStep: 1 } });
    const b = await start(server, 'sb', 'Flaky B', { parameters: { failAtStep: 1 } });
    const ok = await start(server, 'sb', 'Fine C');
    await until(() => server.engine.counts().failed === 2 && server.engine.counts().completed === 1, 'two fail, one completes');

    const retried = await postJson(`${server.url}/api/tasks/bulk`, { action: 'retry', filter: { state: 'failed' } });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ matched: 2, succeeded: 2, failed: [] });
    expect([server.engine.get(a)!.state, server.engine.get(b)!.state]).not.toContain('failed');

    const mixed = await postJson(`${server.url}/api/tasks/bulk`, { action: 'delete', ids: [ok, 'no-such-task'] });
    expect(mixed.body).toEqual({ matched: 2, succeeded: 1, failed: [{ id: 'no-such-task', code: 'NOT_FOUND', message: expect.any(String) }] });
    expect(server.engine.get(ok)).toBeUndefined();

    await until(() => server.engine.counts().failed === 2, 'the retries fail again');
    const cancelFinished = await postJson(`${server.url}/api/tasks/bulk`, { action: 'cancel', ids: [a] });
    expect(cancelFinished.body.failed).toEqual([{ id: a, code: 'INVALID_STATE', message: expect.any(String) }]);
  });

  it('refuses bad requests with a clear 400', async () => {
    const server = await launch();
    const both = await postJson(`${server.url}/api/tasks/bulk`, { action: 'delete', ids: ['x'], filter: {} });
    expect(both).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', message: expect.stringContaining('either by ids or by a filter') } });
    const neither = await postJson(`${server.url}/api/tasks/bulk`, { action: 'delete' });
    expect(neither.status).toBe(400);
    const action = await postJson(`${server.url}/api/tasks/bulk`, { action: 'explode', ids: ['x'] });
    expect(action.status).toBe(400);
    const time = await postJson(`${server.url}/api/tasks/bulk`, { action: 'delete', filter: { createdBefore: 'soon' } });
    expect(time.body.message).toContain('filter: createdBefore must be an ISO 8601 time');
  });

  it('is the owner’s only: a paired device gets 403 and nothing changes, the token holder may', async () => {
    const server = await launch();
    const id = await start(server, 'someone-else', 'Not yours', { duration: 20_000 });
    const cookie = await pairedCookie(server);
    const refused = await postJson(`${server.url}/api/tasks/bulk`, { action: 'cancel', ids: [id] }, { cookie });
    expect(refused).toMatchObject({ status: 403, body: { code: 'OWNER_ONLY' } });
    const byFilter = await postJson(`${server.url}/api/tasks/bulk`, { action: 'cancel', filter: { clientId: 'device-session' } }, { cookie });
    expect(byFilter.status).toBe(403);
    expect(server.engine.get(id)!.state).not.toBe('cancelled');
    // A foreign session cannot reach another session's task through the single-task route either.
    expect((await postJson(`${server.url}/api/tasks/${id}/cancel`, { clientId: 'device-session' }, { cookie })).status).toBe(404);
    const withToken = await postJson(`${server.url}/api/tasks/bulk`, { action: 'cancel', ids: [id] }, { authorization: `Bearer ${TOKEN}` });
    expect(withToken.body).toEqual({ matched: 1, succeeded: 1, failed: [] });
  });
});

describe('WebSocket /ws?scope=all', () => {
  it('gives the owner a snapshot of every session, then every session’s messages in one numbered stream', async () => {
    const server = await launch();
    await start(server, 'sa', 'Before');
    const opened = await openAll(server);
    if (!opened.opened) throw new Error(`refused: ${opened.status}`);
    const feed = opened.collector;
    const snapshot = await feed.waitFor<Extract<ServerMessage, { type: 'snapshot' }>>((m) => m.type === 'snapshot', 'snapshot');
    expect(snapshot.data.tasks.map((t) => t.name)).toEqual(['Before']);
    expect(snapshot.data.total).toBe(1);
    const other = await start(server, 'sb', 'From another session');
    const done = await feed.waitFor<Extract<ServerMessage, { type: 'taskProgress' }>>((m) => m.type === 'taskProgress' && m.data.id === other && m.data.state === 'completed', 'the other session’s task to complete');
    expect(done.data.clientId).toBe('sb');
    const seqs = feed.messages.filter((m) => m.type === 'taskQueued' || m.type === 'taskProgress').map((m) => m.seq!);
    expect(seqs.length).toBeGreaterThan(2);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    // Pings are answered as on a session's socket.
    feed.send(JSON.stringify({ type: 'ping', data: {}, timestamp: new Date().toISOString() }));
    await feed.waitFor((m) => m.type === 'pong', 'pong');
  });

  it('is refused to a paired device (403 OWNER_ONLY), whose own socket still hears only its session', async () => {
    const server = await launch();
    const cookie = await pairedCookie(server);
    const refused = await openAll(server, { cookie });
    expect(refused).toMatchObject({ opened: false, status: 403 });
    expect(JSON.parse((refused as { body: string }).body)).toMatchObject({ code: 'OWNER_ONLY' });
    const own = await MessageCollector.open(server.url, 'device-session', { headers: { cookie } });
    sockets.push(own);
    const foreign = await start(server, 'someone-else', 'Private');
    const mine = await start(server, 'device-session', 'Mine');
    await own.waitForFinal(mine);
    expect(own.messages.some((m) => (m.type === 'taskQueued' || m.type === 'taskProgress') && m.data.id === foreign)).toBe(false);
  });

  it('is open to the API token holder', async () => {
    const server = await launch();
    const opened = await openAll(server, { authorization: `Bearer ${TOKEN}` });
    expect(opened.opened).toBe(true);
  });
});


describe('GET /api/tasks/:id/history', () => {
  it('answers the task and its state changes to its session and to the owner; 404 to a foreign session or device', async () => {
    const server = await launch();
    const id = await start(server, 'story-session', 'Story', { parameters: { failAtStep: 1 } });
    await until(() => server.engine.get(id)?.state === 'failed', 'the task fails');
    const own = await getJson(`${server.url}/api/tasks/${id}/history?clientId=story-session`);
    expect(own.status).toBe(200);
    expect(own.body.task).toMatchObject({ id, name: 'Story', state: 'failed' });
    expect(own.body.history.map((e: { state: string }) => e.state)).toEqual(['queued', 'running', 'failed']);
    expect(own.body.complete).toBe(true);
    // The owner (loopback, no session) sees any task.
    expect((await getJson(`${server.url}/api/tasks/${id}/history`)).status).toBe(200);
    const cookie = await pairedCookie(server);
    const foreign = await getJson(`${server.url}/api/tasks/${id}/history?clientId=device-session`, { cookie });
    expect(foreign).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    const theirs = await getJson(`${server.url}/api/tasks/${id}/history?clientId=story-session`, { cookie });
    expect(theirs.status).toBe(200); // session ids are capabilities (docs/security.md)
    expect((await getJson(`${server.url}/api/tasks/nope/history`)).status).toBe(404);
  });
});
