import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTaskMonitor, type RunningTaskMonitor, type TaskMonitorOptions } from '../../launcher/start-task-monitor.js';
import { postJson } from '../../test-support/http.js';
import { MessageCollector } from '../../test-support/message-collector.js';
import { expectServerHealthy } from './test-support/healthy.js';
import { encodeFrame, OP, RawWebSocket, rawExchange, request } from './test-support/raw-client.js';

/**
 * Every limit with small values: the breach gets its specific answer (HTTP status and code, or a
 * close code with a reason) and the server keeps serving everyone else.
 */
const monitors: RunningTaskMonitor[] = [];
async function launch(options: TaskMonitorOptions = {}): Promise<RunningTaskMonitor> {
  const monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent', graceMs: 0, ...options });
  monitors.push(monitor);
  return monitor;
}
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.close()));
});

describe('WebSocket message size', () => {
  it('a message over the limit closes that socket with 1009 and a reason; others are unaffected', async () => {
    const server = await launch({ maxMessageBytes: 1024 });
    const big = await MessageCollector.open(server.url, 'big');
    const bystander = await MessageCollector.open(server.url, 'bystander');
    big.send(JSON.stringify({ type: 'ping', padding: 'x'.repeat(2000) }));
    expect(await big.closed).toEqual({ code: 1009, reason: 'Message too big' });
    expect(bystander.socket.readyState).toBe(WebSocket.OPEN);
    await bystander.close();
    await expectServerHealthy(server.url);
  });

  it('the default limit is 4 KiB', async () => {
    const server = await launch();
    const ok = await MessageCollector.open(server.url, 'ok');
    ok.send(JSON.stringify({ type: 'ping', padding: 'x'.repeat(3500) }));
    await ok.waitFor((m) => m.type === 'pong', 'pong');
    ok.send(JSON.stringify({ type: 'ping', padding: 'x'.repeat(4100) }));
    expect((await ok.closed).code).toBe(1009);
  });

  it('fragments are reassembled: a small fragmented message is answered, fragments adding up to too much close with 1009', async () => {
    const server = await launch({ maxMessageBytes: 1024 });
    const small = await RawWebSocket.open(server.port, '/ws?sessionId=fragments');
    small.write(encodeFrame(OP.text, '{"type":', { fin: false }));
    small.write(encodeFrame(OP.continuation, '"pi', { fin: false }));
    small.write(encodeFrame(OP.ping, 'interleaved control frame')); // allowed between fragments
    small.write(encodeFrame(OP.continuation, 'ng"}', { fin: true }));
    await small.waitFor(() => small.messages.some((m) => m.includes('"pong"')), 'pong to a fragmented ping');
    small.destroy();

    const large = await RawWebSocket.open(server.port, '/ws?sessionId=fragments-large');
    const chunk = 'x'.repeat(400);
    large.write(encodeFrame(OP.text, `{"type":"ping","p":"${chunk}`, { fin: false }));
    large.write(encodeFrame(OP.continuation, chunk, { fin: false }));
    large.write(encodeFrame(OP.continuation, chunk, { fin: false })); // 1200+ bytes in all
    expect(await large.closed()).toEqual({ code: 1009, reason: 'Message too big' });
    large.destroy();
    await expectServerHealthy(server.url);
  });
});

describe('WebSocket message rate', () => {
  it('a socket over its rate is closed with 1008 "rate limit"; others are unaffected', async () => {
    const server = await launch({ limits: { messagesPerSecond: 5, messageBurst: 5 } });
    const flooder = await MessageCollector.open(server.url, 'flooder');
    const calm = await MessageCollector.open(server.url, 'calm');
    for (let i = 0; i < 30; i++) flooder.send(JSON.stringify({ type: 'ping' }));
    expect(await flooder.closed).toEqual({ code: 1008, reason: 'rate limit' });
    calm.send(JSON.stringify({ type: 'ping' }));
    await calm.waitFor((m) => m.type === 'pong', 'pong');
    await calm.close();
    await expectServerHealthy(server.url);
  });

  it('a client within its rate is never closed', async () => {
    const server = await launch({ limits: { messagesPerSecond: 20, messageBurst: 5 } });
    const steady = await MessageCollector.open(server.url, 'steady');
    for (let i = 0; i < 12; i++) {
      steady.send(JSON.stringify({ type: 'ping' }));
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await steady.waitFor(() => steady.ofType('pong').length === 12, '12 pongs');
    expect(steady.socket.readyState).toBe(WebSocket.OPEN);
    await steady.close();
  });
});

describe('WebSocket connections', () => {
  it('beyond the maximum, an upgrade gets 503 with Retry-After; a closed socket frees its place', async () => {
    const server = await launch({ limits: { maxConnections: 3 } });
    const open = await Promise.all([1, 2, 3].map((i) => MessageCollector.open(server.url, `c${i}`)));
    const refused = await request(`${server.url}/ws`, {
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' },
    });
    expect(refused.status).toBe(503);
    expect(refused.json).toMatchObject({ code: 'TOO_MANY_CONNECTIONS', status: 'Error' });
    expect(refused.headers['retry-after']).toBe('5');
    // REST keeps working while the socket limit is reached.
    expect((await postJson(`${server.url}/api/task/start`, { name: 'rest', duration: 1000 })).status).toBe(200);
    await open[0]!.close();
    // The server sees the TCP close a moment after the client: retry until the place is free.
    const reopen = (): Promise<boolean> =>
      MessageCollector.open(server.url, 'again').then(
        (client) => (open.push(client), true),
        () => false,
      );
    await expect.poll(reopen, { timeout: 2000 }).toBe(true);
    await Promise.all(open.slice(1).map((c) => c.close()));
  });

  it('a thousand connections opened and dropped leave nothing behind, quickly', async () => {
    const server = await launch();
    const started = Date.now();
    const sockets = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => {
        const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws?sessionId=burst-${i % 50}`);
        return new Promise<WebSocket>((resolve, reject) => {
          socket.once('open', () => resolve(socket));
          socket.once('error', reject);
        });
      }),
    );
    const activeConnections = async (): Promise<number> => ((await (await fetch(`${server.url}/health`)).json()) as { activeConnections: number }).activeConnections;
    expect(await activeConnections()).toBe(1000);
    for (const socket of sockets) socket.terminate(); // dropped, no closing handshake
    await expect.poll(activeConnections, { timeout: 5000 }).toBe(0);
    // And as many bare TCP connections that never say anything, dropped at once.
    const bare: Socket[] = await Promise.all(
      Array.from({ length: 1000 }, () => new Promise<Socket>((resolve) => {
        const socket = connect({ port: server.port, host: '127.0.0.1' }, () => resolve(socket));
        socket.on('error', () => undefined);
      })),
    );
    for (const socket of bare) socket.destroy();
    expect(Date.now() - started).toBeLessThan(15_000);
    await expectServerHealthy(server.url);
  });
});

describe('queued tasks per session', () => {
  it('beyond the cap, a submission gets 429 with Retry-After; other sessions still submit', async () => {
    const server = await launch({ concurrency: 1, limits: { maxQueuedPerSession: 3 } });
    const submit = (clientId: string) => postJson(`${server.url}/api/task/start`, { name: 'fill', duration: 30000, clientId });
    expect((await submit('hog')).status).toBe(200); // runs
    await expect.poll(() => server.engine.counts().running).toBe(1);
    // Concurrent submissions cannot overshoot the cap.
    const burst = await Promise.all(Array.from({ length: 6 }, () => submit('hog')));
    expect(burst.filter((r) => r.status === 200)).toHaveLength(3);
    const refused = burst.find((r) => r.status === 429)!;
    expect(refused.body).toMatchObject({ code: 'SESSION_QUEUE_FULL', taskId: '', status: 'Error', message: expect.stringContaining('3 tasks waiting') });
    expect(refused.headers.get('retry-after')).toBe('5');
    expect((await submit('someone-else')).status).toBe(200);
    // Cancelling one queued task frees a place.
    const queued = server.engine.list({ clientId: 'hog', state: 'queued' }).items[0]!;
    expect((await postJson(`${server.url}/api/tasks/${queued.id}/cancel`, { clientId: 'hog' })).status).toBe(200);
    expect((await submit('hog')).status).toBe(200);
    expect((await submit('hog')).status).toBe(429);
  });

  it('a retry that would put the session over the cap gets 429 too; under it, the retry queues', async () => {
    const server = await launch({ concurrency: 1, limits: { maxQueuedPerSession: 2 } });
    const submit = (clientId: string) => postJson(`${server.url}/api/task/start`, { name: 'fill', duration: 30000, clientId });
    expect((await submit('hog')).status).toBe(200); // runs
    await expect.poll(() => server.engine.counts().running).toBe(1);
    const first = (await submit('hog')).body as { taskId: string };
    expect((await postJson(`${server.url}/api/tasks/${first.taskId}/cancel`, { clientId: 'hog' })).status).toBe(200);
    expect((await submit('hog')).status).toBe(200);
    expect((await submit('hog')).status).toBe(200); // two queued: the cap
    const refused = await postJson(`${server.url}/api/tasks/${first.taskId}/retry`, { clientId: 'hog' });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'SESSION_QUEUE_FULL', message: expect.stringContaining('2 tasks waiting') });
    const queued = server.engine.list({ clientId: 'hog', state: 'queued' }).items[0]!;
    expect((await postJson(`${server.url}/api/tasks/${queued.id}/cancel`, { clientId: 'hog' })).status).toBe(200);
    expect((await postJson(`${server.url}/api/tasks/${first.taskId}/retry`, { clientId: 'hog' })).status).toBe(200);
  });
});

describe('HTTP limits', () => {
  it('a body over the limit gets 413, a name over 200 characters 400', async () => {
    const server = await launch();
    const huge = await request(`${server.url}/api/task/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', padding: 'y'.repeat(70 * 1024) }) });
    expect(huge.status).toBe(413);
    expect(huge.json).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', taskId: '' });
    const long = await postJson(`${server.url}/api/task/start`, { name: 'n'.repeat(201), duration: 1000 });
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ message: 'Task name must be at most 200 characters' });
    await expectServerHealthy(server.url);
  });

  it('a slowloris client that trickles its headers is cut off at the headers timeout', async () => {
    const server = await launch({ limits: { headersTimeoutMs: 400, requestTimeoutMs: 1000 } });
    const socket = connect({ port: server.port, host: '127.0.0.1' });
    await new Promise((resolve) => socket.once('connect', resolve));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
    const started = Date.now();
    socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const trickle = setInterval(() => socket.writable && socket.write(`X-Slow-${Date.now()}: 1\r\n`), 100);
    const closedAt = await closed;
    clearInterval(trickle);
    expect(closedAt - started).toBeLessThan(2500);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    await expectServerHealthy(server.url);
  });

  it('a client that trickles its body is cut off at the request timeout', async () => {
    const server = await launch({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 700 } });
    const socket = connect({ port: server.port, host: '127.0.0.1' });
    await new Promise((resolve) => socket.once('connect', resolve));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    const started = Date.now();
    socket.write('POST /api/task/start HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    const trickle = setInterval(() => socket.writable && socket.write(' '), 100);
    await closed;
    clearInterval(trickle);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('an open WebSocket is not subject to the request timeout', async () => {
    const server = await launch({ limits: { headersTimeoutMs: 200, requestTimeoutMs: 300 } });
    const client = await MessageCollector.open(server.url, 'long-lived');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    client.send(JSON.stringify({ type: 'ping' }));
    await client.waitFor((m) => m.type === 'pong', 'pong after the request timeout');
    await client.close();
  });

  it('a malformed upgrade request line gets 400, not a crash', async () => {
    const server = await launch();
    const upgrade = (target: string) =>
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    for (const target of ['http://[', 'http://[::1/ws', 'http://a:99999/ws']) {
      const { text } = await rawExchange(server.port, upgrade(target));
      expect(text, target).toMatch(/^HTTP\/1\.1 400/);
    }
    await expectServerHealthy(server.url);
  });
});
