import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTaskMonitor, type RunningTaskMonitor } from '../../launcher/start-task-monitor.js';
import { killAll, runCli, waitForOutput } from '../../test-support/cli-process.js';
import { deviceCookieName } from './device-cookie.js';
import { createTestNetwork, probeNetns, type ClientStep, type TestNetwork } from './test-support/netns.js';
import { request } from './test-support/raw-client.js';

/**
 * Real non-loopback clients: a network namespace joined by a veth pair (10.231.N.2 → 10.231.N.1),
 * never the machine's own LAN address. Runs as root; locally it is skipped when namespaces cannot
 * be made, under CI (process.env.CI) that is a failure.
 */
const capability = probeNetns();
const required = Boolean(process.env['CI']);

describe.skipIf(!capability.ok && !required)('LAN clients from a network namespace', () => {
  let net: TestNetwork;
  let monitor: RunningTaskMonitor;
  let limited: RunningTaskMonitor;
  let token: string;
  let base: string;
  const owner = (): Record<string, string> => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    if (!capability.ok) throw new Error(`These tests need network namespaces under CI: ${capability.reason}`);
    net = createTestNetwork();
    const dataDir = mkdtempSync(join(tmpdir(), 'tm-lan-'));
    monitor = await startTaskMonitor({ host: net.hostAddress, port: 0, uiDir: null, logLevel: 'silent', graceMs: 0, dataDir, limits: { maxAuthFailures: 1000 } });
    token = readFileSync(join(dataDir, 'token'), 'utf8').trim();
    base = monitor.url;
    limited = await startTaskMonitor({ host: net.hostAddress, port: 0, uiDir: null, logLevel: 'silent', graceMs: 0, token: 'limited-server-token-0123', limits: { maxAuthFailures: 4, authFailureWindowMs: 60_000 } });
  }, 30_000);

  afterAll(async () => {
    await Promise.all([monitor?.close(), limited?.close()]);
    net?.destroy();
    killAll();
  });

  /** Runs steps inside the namespace and answers their results. */
  const client = (steps: ClientStep[]) => net.run(steps).done;

  it('without credentials a LAN client gets 401 everywhere: REST, the page, the WebSocket; nothing is created', async () => {
    const [health, page, post, ws] = await client([
      { http: { url: `${base}/health` } },
      { http: { url: `${base}/`, headers: { accept: 'text/html' } } },
      { http: { method: 'POST', url: `${base}/api/task/start`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'intruder', duration: 1000, clientId: 'intruder' }) } },
      { ws: { url: `${base.replace('http', 'ws')}/ws?sessionId=intruder` } },
    ]);
    expect(health).toMatchObject({ status: 401, json: { code: 'AUTH_REQUIRED', status: 'Error' } });
    expect(health.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(page.status).toBe(401);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('This device is not paired');
    expect(post).toMatchObject({ status: 401, json: { code: 'AUTH_REQUIRED', taskId: '' } });
    expect(ws).toMatchObject({ opened: false, status: 401 });
    expect(monitor.engine.list({ clientId: 'intruder' }).total).toBe(0);
  });

  it('a forged or malformed bearer token gets 401 INVALID_TOKEN; the real one makes the holder the owner', async () => {
    const [forged, empty, real, all] = await client([
      { http: { url: `${base}/api/tasks?clientId=x`, headers: { authorization: 'Bearer forged-forged-forged-forged' } } },
      { http: { url: `${base}/api/tasks?clientId=x`, headers: { authorization: 'Bearer' } } },
      { http: { url: `${base}/api/devices`, headers: owner() } },
      { http: { url: `${base}/api/tasks?all=1`, headers: owner() } },
    ]);
    expect(forged).toMatchObject({ status: 401, json: { code: 'INVALID_TOKEN' } });
    expect(empty).toMatchObject({ status: 401, json: { code: 'INVALID_TOKEN' } });
    expect(real).toMatchObject({ status: 200, json: { items: expect.any(Array) } });
    expect(all.status).toBe(200);
  });

  it('a bearer client runs a task to completion over REST and WebSocket', async () => {
    const [run] = await client([
      {
        ws: {
          url: `${base.replace('http', 'ws')}/ws?sessionId=lan-api`,
          headers: owner(),
          submit: { url: `${base}/api/task/start`, headers: { ...owner(), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'From the LAN', duration: 1000, clientId: 'lan-api' }) },
        },
      },
    ]);
    expect(run).toMatchObject({ opened: true, final: 'Completed', submitted: { status: 200 } });
  });

  it('pairing: a wrong code is refused, the right one sets the device cookie once, and the device can then work in its session', async () => {
    const code = monitor.access.pairing.current;
    const [head, wrong, paired, reused] = await client([
      { http: { method: 'HEAD', url: `${base}/pair?code=${code}` } },
      { http: { url: `${base}/pair?code=not-the-code` } },
      { http: { url: `${base}/pair?code=${code}`, headers: { 'user-agent': 'Mozilla/5.0 (Linux; Android 14) Chrome/120.0 Mobile Safari/537.36' } } },
      { http: { url: `${base}/pair?code=${code}` } },
    ]);
    expect(head.status).toBe(401); // a HEAD neither pairs nor spends the code, nor passes the guard
    expect(wrong).toMatchObject({ status: 401, json: { code: 'INVALID_PAIRING_CODE' } });
    expect(paired.status).toBe(303);
    expect(paired.headers.location).toBe('/');
    const setCookie = String(paired.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(reused).toMatchObject({ status: 401, json: { code: 'INVALID_PAIRING_CODE' } });
    expect(monitor.access.pairing.current).not.toBe(code);

    const cookie = setCookie.split(';')[0]!;
    expect(cookie.startsWith(`${deviceCookieName(monitor.port)}=`)).toBe(true);
    const [run, devices, all, pairing] = await client([
      {
        ws: {
          url: `${base.replace('http', 'ws')}/ws?sessionId=phone`,
          headers: { cookie },
          submit: { url: `${base}/api/task/start`, headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'From the phone', duration: 1000, clientId: 'phone' }) },
        },
      },
      { http: { url: `${base}/api/devices`, headers: { cookie } } },
      { http: { url: `${base}/api/tasks?all=1`, headers: { cookie } } },
      { http: { url: `${base}/api/pairing`, headers: { cookie } } },
    ]);
    expect(run).toMatchObject({ opened: true, final: 'Completed' });
    expect(devices).toMatchObject({ status: 403, json: { code: 'OWNER_ONLY' } });
    expect(all).toMatchObject({ status: 403, json: { code: 'OWNER_ONLY' } });
    expect(pairing.status).toBe(403);

    // The owner (bearer, from this machine's side of the link) sees the device, named from its User-Agent.
    const listed = await request(`${base}/api/devices`, { headers: owner() });
    expect(listed.json.items).toContainEqual(expect.objectContaining({ name: 'Chrome on Android', lastAddress: net.clientAddress }));
    const shared = await request(`${base}/api/pairing`, { headers: owner() });
    expect(shared.json).toMatchObject({ lanReachable: true, url: `${base}/pair?code=${monitor.access.pairing.current}`, qrCode: expect.stringMatching(/^data:image\/svg\+xml;base64,/) });
  });

  it("a device reads and controls only its own session's tasks: another session's task is 404 on every task route", async () => {
    const { cookie: mine } = await pair();
    const other = await request(`${base}/api/task/start`, {
      method: 'POST',
      headers: { ...owner(), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Not yours', duration: 5000, clientId: 'someone-else' }),
    });
    const id = other.json.taskId as string;
    const json = { cookie: mine, 'content-type': 'application/json' };
    const results = await client([
      { http: { url: `${base}/api/tasks/${id}?clientId=device-own`, headers: { cookie: mine } } },
      { http: { method: 'POST', url: `${base}/api/tasks/${id}/cancel`, headers: json, body: '{"clientId":"device-own"}' } },
      { http: { method: 'POST', url: `${base}/api/tasks/${id}/retry`, headers: json, body: '{"clientId":"device-own"}' } },
      { http: { method: 'DELETE', url: `${base}/api/tasks/${id}?clientId=device-own`, headers: { cookie: mine } } },
      { http: { url: `${base}/api/tasks?clientId=device-own`, headers: { cookie: mine } } },
    ]);
    for (const result of results.slice(0, 4)) expect(result).toMatchObject({ status: 404, json: { code: 'NOT_FOUND' } });
    expect(results[4]).toMatchObject({ status: 200, json: { total: 0 } });
    expect(monitor.engine.get(id)?.state).not.toBe('cancelled');
  });

  it('revoking a device closes its socket (1008 "Device revoked") and its cookie stops working, and is cleared', async () => {
    const { cookie, deviceId } = await pair();
    const run = net.run([
      { ws: { url: `${base.replace('http', 'ws')}/ws?sessionId=revokee`, headers: { cookie }, timeoutMs: 15_000 } },
      { http: { url: `${base}/api/tasks?clientId=revokee`, headers: { cookie } } },
    ]);
    await run.waitFor((line) => line.event === 'open', 'the socket opening');
    const revoked = await request(`${base}/api/devices/${deviceId}`, { method: 'DELETE', headers: owner() });
    expect(revoked).toMatchObject({ status: 200, json: { id: deviceId, revoked: true } });
    const [socket, after] = await run.done;
    expect(socket).toMatchObject({ closeCode: 1008, closeReason: 'Device revoked' });
    expect(after).toMatchObject({ status: 401, json: { code: 'AUTH_REQUIRED', message: expect.stringContaining('no longer paired') } });
    expect(String(after.headers['set-cookie'])).toMatch(/Max-Age=0/);
  });

  it('from the LAN too: a rebinding Host and a foreign Origin get 403 even with valid credentials', async () => {
    const [rebound, foreign, foreignWs] = await client([
      { http: { url: `${base}/api/tasks?all=1`, headers: { ...owner(), host: `evil.example:${monitor.port}` } } },
      { http: { method: 'POST', url: `${base}/api/task/start`, headers: { ...owner(), origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{"name":"x","duration":1000}' } },
      { ws: { url: `${base.replace('http', 'ws')}/ws`, headers: { ...owner(), origin: 'http://evil.example' } } },
    ]);
    expect(rebound).toMatchObject({ status: 403, json: { code: 'HOST_NOT_ALLOWED' } });
    expect(foreign).toMatchObject({ status: 403, json: { code: 'ORIGIN_NOT_ALLOWED' } });
    expect(foreignWs).toMatchObject({ opened: false, status: 403 });
  });

  it('failed attempts from one LAN address are limited (429 + Retry-After) without locking anyone else out', async () => {
    const lbase = limited.url;
    const bad = { http: { url: `${lbase}/api/tasks?clientId=x`, headers: { authorization: 'Bearer guess-guess-guess-guess' } } };
    const results = await client([
      bad,
      bad,
      { http: { url: `${lbase}/pair?code=guess` } },
      bad,
      { http: { url: `${lbase}/api/tasks?clientId=x`, headers: { authorization: 'Bearer limited-server-token-0123' } } },
      { http: { url: `${lbase}/pair?code=${limited.access.pairing.current}` } },
      { ws: { url: `${lbase.replace('http', 'ws')}/ws`, headers: { authorization: 'Bearer limited-server-token-0123' } } },
    ]);
    expect(results.slice(0, 4).map((r) => r.status)).toEqual([401, 401, 401, 401]);
    for (const blocked of results.slice(4, 6)) {
      expect(blocked).toMatchObject({ status: 429, json: { code: 'TOO_MANY_ATTEMPTS' } });
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(results[6]).toMatchObject({ opened: false, status: 429 });
    // The pairing code was not spent by the blocked attempt, and another address is not blocked.
    const fromHost = await request(`${lbase}/api/tasks?clientId=x`, { headers: { authorization: 'Bearer limited-server-token-0123' } });
    expect(fromHost.status).toBe(200);
  });

  it('task-monitor --headless prints a pairing URL at start, and a new one once it was used', async () => {
    const cli = runCli(['--headless', '--host', net.hostAddress, '--port', '0', '--in-memory', '--log-level', 'warn']);
    const [, first] = await waitForOutput(cli.output, /Pair a device[^\n]*\n\s+(http:\/\/\S+\/pair\?code=[\w-]+)/);
    expect(first).toMatch(new RegExp(`^http://${net.hostAddress.replace(/\./g, '\\.')}:\\d+/pair\\?code=[\\w-]{22}$`));
    const [paired] = await client([{ http: { url: first! } }]);
    expect(paired.status).toBe(303);
    const next = await waitForOutput(cli.output, new RegExp(`\\n\\s+(http://\\S+/pair\\?code=(?!${first!.split('code=')[1]})[\\w-]{22})`));
    expect(next[1]).not.toBe(first);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  /** Pairs a fresh device from the namespace; answers its cookie (name=value) and device id. */
  async function pair(): Promise<{ cookie: string; deviceId: string }> {
    const before = new Set(monitor.access.devices.list().map((device) => device.id));
    const [paired] = await client([{ http: { url: `${base}/pair?code=${monitor.access.pairing.current}` } }]);
    expect(paired.status).toBe(303);
    const added = monitor.access.devices.list().filter((device) => !before.has(device.id));
    expect(added).toHaveLength(1);
    return { cookie: String(paired.headers['set-cookie']).split(';')[0]!, deviceId: added[0]!.id };
  }
});
