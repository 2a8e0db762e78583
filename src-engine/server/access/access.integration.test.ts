import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTaskMonitor, type RunningTaskMonitor, type TaskMonitorOptions } from '../../launcher/start-task-monitor.js';
import { getJson, postJson } from '../../test-support/http.js';
import { MessageCollector } from '../../test-support/message-collector.js';
import { deviceCookieName } from './device-cookie.js';
import { expectServerHealthy } from './test-support/healthy.js';
import { request } from './test-support/raw-client.js';

/**
 * The access policy from loopback, over real sockets: Host and Origin checks, content types,
 * security headers, pairing and tokens, owner-only routes. LAN clients (non-loopback) are in
 * lan-access.netns.test.ts.
 */
const TOKEN = 'integration-test-token-0123456789';
const monitors: RunningTaskMonitor[] = [];
async function launch(options: TaskMonitorOptions = {}): Promise<RunningTaskMonitor> {
  const monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent', graceMs: 0, ...options });
  monitors.push(monitor);
  return monitor;
}

let monitor: RunningTaskMonitor;
beforeAll(async () => {
  monitor = await startTaskMonitor({
    host: '127.0.0.1',
    port: 0,
    uiDir: null,
    logLevel: 'silent',
    graceMs: 0,
    token: TOKEN,
    allowOrigins: ['http://localhost:5173'],
    allowHosts: ['monitor.test', '.lan.test'],
  });
});
afterAll(async () => {
  await monitor.close();
});
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.close()));
});

/** Opens a WebSocket with extra headers and reports how the handshake ended. */
function tryWebSocket(baseUrl: string, headers: Record<string, string> = {}): Promise<{ opened: true; socket: WebSocket } | { opened: false; status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws?sessionId=probe`, { headers });
    socket.once('open', () => resolve({ opened: true, socket }));
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ opened: false, status: res.statusCode ?? 0, body }));
    });
    socket.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

describe('Host allowlist (DNS rebinding)', () => {
  it('refuses a request whose Host names another site, on HTTP and on the WebSocket', async () => {
    const port = monitor.port;
    const rebound = await request(`${monitor.url}/api/tasks?clientId=x`, { headers: { host: `attacker.example:${port}` } });
    expect(rebound.status).toBe(403);
    expect(rebound.json).toMatchObject({ code: 'HOST_NOT_ALLOWED', status: 'Error', message: expect.stringContaining('--allow-host') });
    const post = await request(`${monitor.url}/api/task/start`, {
      method: 'POST',
      headers: { host: `rebind.attacker.example:${port}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'rebound', duration: 1000, clientId: 'rebound' }),
    });
    expect(post.status).toBe(403);
    expect(monitor.engine.list({ clientId: 'rebound' }).total).toBe(0);
    const ws = await tryWebSocket(monitor.url, { host: `attacker.example:${port}` });
    expect(ws).toMatchObject({ opened: false, status: 403 });
    expect(JSON.parse((ws as { body: string }).body)).toMatchObject({ code: 'HOST_NOT_ALLOWED' });
    await expectServerHealthy(monitor.url);
  });

  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['app.localhost', true],
    ['monitor.test', true],
    ['MONITOR.TEST', true],
    ['x.lan.test', true],
    ['lan.test', false],
    ['monitor.test.attacker.example', false],
    ['203.0.113.9', false],
    ['localhost.attacker.example', false],
    ['bad host', false],
  ])('Host %s → allowed %s', async (host, allowed) => {
    const response = await request(`${monitor.url}/health`, { headers: { host: `${host}:${monitor.port}` } });
    expect(response.status).toBe(allowed ? 200 : 403);
  });
});

describe('Origin', () => {
  it('refuses a POST and a WebSocket from a foreign page, and creates nothing', async () => {
    const post = await postJson(`${monitor.url}/api/task/start`, { name: 'csrf', duration: 1000, clientId: 'csrf-victim' }, { origin: 'http://evil.example' });
    expect(post.status).toBe(403);
    expect(post.body).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED', taskId: '', status: 'Error' });
    expect(monitor.engine.list({ clientId: 'csrf-victim' }).total).toBe(0);
    const ws = await tryWebSocket(monitor.url, { origin: 'http://evil.example' });
    expect(ws).toMatchObject({ opened: false, status: 403 });
    const sandboxed = await tryWebSocket(monitor.url, { origin: 'null' });
    expect(sandboxed).toMatchObject({ opened: false, status: 403 });
    await expectServerHealthy(monitor.url);
  });

  it('refuses every state-changing method from a foreign page', async () => {
    const taskId = (await postJson(`${monitor.url}/api/task/start`, { name: 'target', duration: 1000, clientId: 'owner-x' })).body.taskId as string;
    for (const [method, path] of [
      ['POST', `/api/tasks/${taskId}/cancel?clientId=owner-x`],
      ['DELETE', `/api/tasks/${taskId}?clientId=owner-x`],
      ['PUT', '/api/tasks'],
      ['PATCH', '/api/tasks'],
      ['DELETE', '/api/devices/whatever'],
    ] as const) {
      const response = await request(`${monitor.url}${path}`, { method, headers: { origin: 'https://evil.example' } });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.json.code).toBe('ORIGIN_NOT_ALLOWED');
    }
    expect(monitor.engine.get(taskId)?.state).not.toBe('cancelled');
  });

  it('allows the server own origin (by any allowed name) and the configured origins', async () => {
    for (const origin of [monitor.url, `http://localhost:${monitor.port}`, 'http://localhost:5173']) {
      const host = origin === 'http://localhost:5173' ? `127.0.0.1:${monitor.port}` : new URL(origin).host;
      const response = await request(`${monitor.url}/api/task/start`, {
        method: 'POST',
        headers: { origin, host, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'same origin', duration: 1000, clientId: 'same-origin' }),
      });
      expect(response.status, origin).toBe(200);
      const ws = await tryWebSocket(monitor.url, { origin, host });
      expect(ws.opened, origin).toBe(true);
      if (ws.opened) ws.socket.terminate();
    }
  });

  it('refuses a page of the right host on another port or scheme, which is another origin', async () => {
    for (const origin of [`http://127.0.0.1:${monitor.port + 1}`, `ftp://127.0.0.1:${monitor.port}`, `http://127.0.0.1:${monitor.port}/path`]) {
      const response = await request(`${monitor.url}/health`, { headers: { origin } });
      expect(response.status, origin).toBe(403);
    }
  });
});

describe('content types (browsers must preflight)', () => {
  it.each([
    ['text/plain', '{"name":"simple","duration":1000}'],
    ['text/plain;charset=UTF-8', '{"name":"simple","duration":1000}'],
    ['application/x-www-form-urlencoded', 'name=form&duration=1000'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nform\r\n--x--\r\n'],
    ['text/xml', '<task/>'],
  ])('a %s body gets 415 and queues nothing', async (type, body) => {
    const before = monitor.engine.list().total;
    const response = await request(`${monitor.url}/api/task/start`, { method: 'POST', headers: { 'content-type': type }, body });
    expect(response.status).toBe(415);
    expect(response.json).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', taskId: '' });
    const cancel = await request(`${monitor.url}/api/tasks/x/cancel`, { method: 'POST', headers: { 'content-type': type }, body });
    expect(cancel.status).toBe(415);
    expect(monitor.engine.list().total).toBe(before);
  });

  it('a body without any content type is refused too', async () => {
    const response = await request(`${monitor.url}/api/task/start`, { method: 'POST', body: '{"name":"untyped","duration":1000}' });
    expect(response.status).toBe(415);
  });
});

describe('security headers', () => {
  const expectHardened = (headers: Record<string, unknown>, csp: string | RegExp = /default-src 'none'.*frame-ancestors 'none'/): void => {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['content-security-policy']).toMatch(csp);
  };

  it('are on every API answer: success, error, refusal, not found', async () => {
    expectHardened((await request(`${monitor.url}/health`)).headers);
    expectHardened((await request(`${monitor.url}/api/tasks`)).headers); // 400
    expectHardened((await request(`${monitor.url}/nope`)).headers); // 404
    expectHardened((await request(`${monitor.url}/health`, { headers: { origin: 'http://evil.example' } })).headers); // 403
    expect((await request(`${monitor.url}/health`)).headers['cache-control']).toBe('no-store');
    // Browsers honour (and accept without a console error) the opener policy on loopback only.
    expect((await request(`${monitor.url}/health`)).headers['cross-origin-opener-policy']).toBe('same-origin');
    expect((await request(`${monitor.url}/health`, { headers: { host: `monitor.test:${monitor.port}` } })).headers['cross-origin-opener-policy']).toBeUndefined();
  });

  it('are on a refused WebSocket upgrade, written on the raw socket', async () => {
    const response = await request(`${monitor.url}/ws`, { headers: { origin: 'http://evil.example', connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' } }).catch(
      (error: Error) => ({ status: -1, headers: {}, error }),
    );
    // node:http treats a non-101 answer to an upgrade request as an ordinary response.
    expect(response.status).toBe(403);
    expectHardened(response.headers as Record<string, unknown>);
  });

  it("leave the UI's own CSP alone, and give UI pages without one a framing-only policy", async () => {
    const uiDir = mkdtempSync(join(tmpdir(), 'tm-ui-'));
    writeFileSync(
      join(uiDir, 'handler.js'),
      `export const handler = (req, res, next) => {
        if (req.url === '/with-csp') { res.setHeader('content-security-policy', "script-src 'nonce-abc123'"); res.setHeader('content-type', 'text/html'); return res.end('<p>ui</p>'); }
        if (req.url === '/plain') { res.writeHead(200, { 'content-type': 'text/html' }); return res.end('<p>plain</p>'); }
        next();
      };`,
    );
    const withUi = await launch({ uiDir });
    const own = await request(`${withUi.url}/with-csp`, { headers: { accept: 'text/html' } });
    expect(own.status).toBe(200);
    expect(own.headers['content-security-policy']).toBe("script-src 'nonce-abc123'");
    expect(own.headers['x-frame-options']).toBe('DENY');
    const plain = await request(`${withUi.url}/plain`, { headers: { accept: 'text/html' } });
    expect(plain.headers['content-security-policy']).toBe("frame-ancestors 'none'");
    expect(plain.headers['x-content-type-options']).toBe('nosniff');
    const api = await request(`${withUi.url}/health`);
    expect(api.headers['content-security-policy']).toMatch(/default-src 'none'/);
  });
});

describe('pairing and tokens (from loopback)', () => {
  it('a bearer token holder is the owner; a forged token gets 401 with WWW-Authenticate, even on loopback', async () => {
    const ok = await getJson(`${monitor.url}/api/devices`, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ items: expect.any(Array) });
    const forged = await request(`${monitor.url}/api/devices`, { headers: { authorization: 'Bearer not-the-token-at-all' } });
    expect(forged.status).toBe(401);
    expect(forged.json).toMatchObject({ code: 'INVALID_TOKEN' });
    expect(forged.headers['www-authenticate']).toMatch(/^Bearer/);
    const ws = await tryWebSocket(monitor.url, { authorization: 'Bearer not-the-token-at-all' });
    expect(ws).toMatchObject({ opened: false, status: 401 });
    await expectServerHealthy(monitor.url);
  });

  it('a pairing link pairs once: HttpOnly SameSite=Strict cookie, redirect to /, then the code is spent and a new one issued', async () => {
    const server = await launch();
    const issued: string[] = [];
    server.access.pairing.onChange((code) => issued.push(code));
    const code = server.access.pairing.current;

    // A HEAD (link checker, preview bot) must not spend it.
    expect((await request(`${server.url}/pair?code=${code}`, { method: 'HEAD' })).status).toBe(404);
    expect(server.access.pairing.current).toBe(code);
    const paired = await request(`${server.url}/pair?code=${code}`, { headers: { 'user-agent': 'Mozilla/5.0 (Linux; Android 14) Firefox/128.0' } });
    expect(paired.status).toBe(303);
    expect(paired.headers.location).toBe('/');
    const cookie = String(paired.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^${deviceCookieName(server.port)}=[A-Za-z0-9_-]{43};`));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(issued).toHaveLength(1);
    expect(server.access.pairing.current).not.toBe(code);

    const again = await request(`${server.url}/pair?code=${code}`, { headers: { accept: 'text/html' } });
    expect(again.status).toBe(401);
    expect(again.headers['content-type']).toMatch(/text\/html/);
    expect(again.body).toContain('This pairing link does not work');

    const devices = await getJson(`${server.url}/api/devices`);
    expect(devices.body.items).toEqual([expect.objectContaining({ id: expect.any(String), name: 'Firefox on Android', lastAddress: '127.0.0.1' })]);
    expect(JSON.stringify(devices.body)).not.toContain(cookie.split(';')[0]!.split('=')[1]!);

    // The same browser pairing again replaces its entry instead of adding a second one.
    const repaired = await request(`${server.url}/pair?code=${server.access.pairing.current}`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(repaired.status).toBe(303);
    const after = (await getJson(`${server.url}/api/devices`)).body.items as Array<{ id: string }>;
    expect(after).toHaveLength(1);
    expect(after[0]!.id).not.toBe(devices.body.items[0].id);
  });

  it('a paired device is not the owner, even on loopback: no device management, no other sessions', async () => {
    const server = await launch();
    const paired = await request(`${server.url}/pair?code=${server.access.pairing.current}`);
    const cookie = String(paired.headers['set-cookie']).split(';')[0]!;
    const list = await getJson(`${server.url}/api/devices`, { cookie });
    expect(list.status).toBe(403);
    expect(list.body).toMatchObject({ code: 'OWNER_ONLY' });
    expect((await request(`${server.url}/api/pairing`, { headers: { cookie } })).status).toBe(403);
    await postJson(`${server.url}/api/task/start`, { name: 'someone else', duration: 1000, clientId: 'other-session' });
    const all = await getJson(`${server.url}/api/tasks?all=1`, { cookie });
    expect(all.status).toBe(403);
    const mine = await getJson(`${server.url}/api/tasks?clientId=device-session`, { cookie });
    expect(mine.status).toBe(200);
  });

  it('the loopback owner sees every session with ?all=1; GET /api/pairing gives nothing to share on loopback', async () => {
    const server = await launch();
    await postJson(`${server.url}/api/task/start`, { name: 'A', duration: 1000, clientId: 'session-a' });
    await postJson(`${server.url}/api/task/start`, { name: 'B', duration: 1000, clientId: 'session-b' });
    const all = await getJson(`${server.url}/api/tasks?all=1`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((t: { clientId: string }) => t.clientId).sort()).toEqual(['session-a', 'session-b']);
    const scoped = await getJson(`${server.url}/api/tasks?clientId=session-a`);
    expect(scoped.body.total).toBe(1);
    const pairing = await getJson(`${server.url}/api/pairing`);
    expect(pairing.body).toMatchObject({ lanReachable: false, url: null, urls: [], pairedDevices: 0 });
  });

  it('revoking a device closes its open sockets with 1008 "Device revoked"', async () => {
    const server = await launch();
    const paired = await request(`${server.url}/pair?code=${server.access.pairing.current}`);
    const cookie = String(paired.headers['set-cookie']).split(';')[0]!;
    const client = await MessageCollector.open(server.url, 'revoked-device', { headers: { cookie } });
    const owner = await MessageCollector.open(server.url, 'owner-session');
    const [device] = server.access.devices.list();
    const revoked = await request(`${server.url}/api/devices/${device!.id}`, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toEqual({ id: device!.id, revoked: true });
    expect(await client.closed).toEqual({ code: 1008, reason: 'Device revoked' });
    expect(owner.socket.readyState).toBe(WebSocket.OPEN);
    expect((await request(`${server.url}/api/devices/${device!.id}`, { method: 'DELETE' })).status).toBe(404);
    await owner.close();
    await expectServerHealthy(server.url);
  });

  it('failed attempts are rate-limited per address: 429 with Retry-After, even for the right credential, until the window ends', async () => {
    const server = await launch({ token: TOKEN, limits: { maxAuthFailures: 3, authFailureWindowMs: 1500 } });
    for (let i = 0; i < 2; i++) expect((await request(`${server.url}/api/devices`, { headers: { authorization: 'Bearer wrong-wrong-wrong' } })).status).toBe(401);
    expect((await request(`${server.url}/pair?code=guess`)).status).toBe(401);
    const blocked = await request(`${server.url}/pair?code=${server.access.pairing.current}`);
    expect(blocked.status).toBe(429);
    expect(blocked.json).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await request(`${server.url}/api/devices`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(429);
    expect((await tryWebSocket(server.url, { authorization: `Bearer ${TOKEN}` })) as { status: number }).toMatchObject({ status: 429 });
    // Requests without credentials are not what is limited: loopback keeps working.
    await expectServerHealthy(server.url);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await request(`${server.url}/api/devices`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });
});
