import { afterEach, describe, expect, it } from 'vitest';
import { startTaskMonitor, type RunningTaskMonitor } from '../launcher/start-task-monitor.js';
import { postJson } from '../test-support/http.js';
import { MessageCollector } from '../test-support/message-collector.js';

/** Keep-alive, CORS, back-pressure and shutdown: the server's behaviour around the tasks. */
const monitors: RunningTaskMonitor[] = [];
async function launch(options: Parameters<typeof startTaskMonitor>[0] = {}): Promise<RunningTaskMonitor> {
  const monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent', ...options });
  monitors.push(monitor);
  return monitor;
}
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((monitor) => monitor.close()));
});

describe('keep-alive', () => {
  it('drops a peer that stops answering pings, and keeps one that answers', async () => {
    const monitor = await launch({ keepAliveMs: 100 });
    const dead = await MessageCollector.open(monitor.url, 'dead', { autoPong: false });
    const healthy = await MessageCollector.open(monitor.url, 'healthy');
    const closed = await dead.closed;
    expect(closed.code).toBe(1006); // terminated without a closing handshake
    expect(healthy.socket.readyState).toBe(healthy.socket.OPEN);
    await healthy.close();
  });
});

describe('CORS', () => {
  it('allows only the origins it was told to, with credentials, and answers their preflight', async () => {
    const monitor = await launch({ allowOrigins: ['http://localhost:5173'] });
    const allowed = await fetch(`${monitor.url}/health`, { headers: { origin: 'http://localhost:5173' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const foreign = await fetch(`${monitor.url}/health`, { headers: { origin: 'http://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${monitor.url}/api/task/start`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('sends no CORS headers at all when no extra origin is allowed', async () => {
    const monitor = await launch();
    const response = await fetch(`${monitor.url}/health`, { headers: { origin: 'http://localhost:5173' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('a full queue', () => {
  it('answers 503 at once with Retry-After and a message, never a hung request', async () => {
    // One worker busy with a long task and a tiny queue: the limit is reached at once.
    const monitor = await launch({ concurrency: 1, queueCapacity: 5, graceMs: 0 });
    const capacity = monitor.engine.capacity;
    const results = await Promise.all(
      Array.from({ length: capacity + 2 }, (_, i) => postJson(`${monitor.url}/api/task/start`, { name: `fill ${i}`, duration: 30000, clientId: 'filler' })),
    );
    const refused = results.filter((r) => r.status === 503);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused[0]!.headers.get('retry-after')).toBe('1');
    expect(refused[0]!.body).toMatchObject({ taskId: '', status: 'Error', code: 'QUEUE_FULL', message: expect.stringContaining('queue is full') });
    expect(results.filter((r) => r.status === 200).length).toBe(capacity + 1); // the queue plus the one running
  });
});

describe('graceful shutdown', () => {
  it('refuses new tasks, lets running tasks finish, pushes their last update, then closes sockets with 1001', async () => {
    const monitor = await launch({ graceMs: 5000 });
    const client = await MessageCollector.open(monitor.url, 'shutdown-session');
    const { body } = await postJson(`${monitor.url}/api/task/start`, { name: 'Finish me', duration: 1000, clientId: 'shutdown-session' });
    await client.waitFor((m) => m.type === 'taskProgress' && m.data.state === 'running', 'running');
    const closing = monitor.close();
    const late = await postJson(`${monitor.url}/api/task/start`, { name: 'Too late', duration: 1000 }).catch(() => ({ status: 0, body: undefined }));
    expect([503, 0]).toContain(late.status);
    await closing;
    const closed = await client.closed;
    expect(closed).toEqual({ code: 1001, reason: 'Server shutting down' });
    expect(client.progressOf(body.taskId).at(-1)).toMatchObject({ status: 'Completed', progress: 100 });
  });

  it('cancels tasks still running when the grace period is over', async () => {
    const monitor = await launch({ graceMs: 100 });
    const client = await MessageCollector.open(monitor.url, 'impatient');
    const { body } = await postJson(`${monitor.url}/api/task/start`, { name: 'Too slow', duration: 30000, clientId: 'impatient' });
    await client.waitFor((m) => m.type === 'taskProgress' && m.data.state === 'running', 'running');
    await monitor.close();
    expect(client.progressOf(body.taskId).at(-1)).toMatchObject({ status: 'Cancelled', error: 'Server shutting down' });
  });
});
