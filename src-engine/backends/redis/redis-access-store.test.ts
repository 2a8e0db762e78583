import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TaskEngine } from '../../engine/task-engine.js';
import { buildServer } from '../../server/build-server.js';
import { createAccessControl, type AccessControl, type AccessRequest } from '../../server/access/access-control.js';
import { hashSecret, newSecret } from '../../server/access/secret.js';
import { request } from '../../server/access/test-support/raw-client.js';
import { MessageCollector } from '../../test-support/message-collector.js';
import { redisServerAvailable, startRedis, type TestRedis } from '../../test-support/redis-server.js';
import { accessKeys } from './redis-access-keys.js';
import { openRedisAccessStore, type RedisAccessStore, type RedisAccessStoreOptions } from './redis-access-store.js';

/**
 * Several nodes on one Redis (a private redis-server on a free loopback port): what is paired,
 * revoked, redeemed or failed on one node holds on every other.
 */
const available = redisServerAvailable();
if (!available) console.warn('redis-access-store.test.ts: skipped, redis-server is not installed (apt-get install redis-server)');

interface Node {
  store: RedisAccessStore;
  access: AccessControl;
}

let redis: TestRedis;
let admin: Redis;
const opened: Node[] = [];
let prefix: string;

beforeAll(async () => {
  if (!available) return;
  redis = await startRedis({ aof: false });
  admin = new Redis(redis.url);
});
afterAll(async () => {
  if (!available) return;
  admin.disconnect();
  await redis.stop();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((node) => node.access.close()));
  // Undo a test's pause, whatever it was doing.
  if (available) await admin.call('CLIENT', 'UNPAUSE');
});

/** One node's access policy on the shared Redis, under this test's prefix. */
async function node(options: Partial<RedisAccessStoreOptions> = {}, limits = { maxAuthFailures: 20, authFailureWindowMs: 60_000 }): Promise<Node> {
  const store = await openRedisAccessStore({ url: redis.url, prefix, limits, ...options });
  const access = createAccessControl({ accessStore: store, limits });
  const created = { store, access };
  opened.push(created);
  return created;
}

/** A request from a LAN address (loopback would be the owner anyway), arriving on `port`. */
function fromLan(headers: Record<string, string> = {}, port = 5000, address = '10.0.0.7'): AccessRequest {
  return { remoteAddress: address, localPort: port, encrypted: false, headers: { host: `10.0.0.1:${port}`, 'user-agent': 'Mozilla/5.0 (Android 14) Firefox/130.0', ...headers } };
}

async function pairOn(target: Node, code = target.access.pairing.current): Promise<{ cookie: string; id: string }> {
  const outcome = await target.access.redeemPairingCode(fromLan(), code);
  if (!outcome.ok) throw new Error(`pairing failed: ${outcome.refusal.code}`);
  return { cookie: outcome.setCookie.split(';')[0]!, id: outcome.device.id };
}

async function until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(!available)('access state shared through Redis', () => {
  // A fresh prefix per test: each test is its own cluster on the one Redis.
  const fresh = (): void => void (prefix = `test-${randomUUID()}:`);

  it('a device paired on node A is accepted by node B, whatever port each listens on, and by a node started later', async () => {
    fresh();
    const [a, b] = [await node(), await node()];
    const { cookie, id } = await pairOn(a);
    await until(() => b.access.devices.size === 1, 'node B hears of the pairing');
    const onB = b.access.authenticate(fromLan({ cookie }, 6000));
    expect(onB).toMatchObject({ ok: true, principal: { kind: 'device', deviceId: id } });
    expect(b.access.devices.list().map((device) => [device.id, device.name])).toEqual([[id, 'Firefox on Android']]);
    // A node started afterwards loads it at start: no notification needed.
    const c = await node();
    expect(c.access.authenticate(fromLan({ cookie }, 7000))).toMatchObject({ ok: true, principal: { kind: 'device', deviceId: id } });
    // The store keeps the token's hash only.
    const stored = await admin.hgetall(accessKeys(prefix).devices);
    expect(JSON.stringify(stored)).not.toContain(cookie.split('=')[1]);
  });

  it("a device revoked on node B is refused on node A at once, and A's revocation listeners (its sockets) hear it", async () => {
    fresh();
    const [a, b] = [await node(), await node()];
    const { cookie, id } = await pairOn(a);
    await until(() => b.access.devices.size === 1, 'node B hears of the pairing');
    const heardOnA: string[] = [];
    a.access.devices.onRevoked((revoked) => heardOnA.push(revoked));
    expect(await b.access.devices.revoke(id)).toEqual({ found: true, saved: true });
    expect(b.access.authenticate(fromLan({ cookie }))).toMatchObject({ ok: false, refusal: { code: 'AUTH_REQUIRED' } });
    await until(() => heardOnA.length === 1, 'node A hears of the revocation', 1000);
    expect(heardOnA).toEqual([id]);
    const onA = a.access.authenticate(fromLan({ cookie }));
    expect(onA).toMatchObject({ ok: false, refusal: { code: 'AUTH_REQUIRED' }, setCookie: expect.stringContaining('Max-Age=0') });
    expect(await admin.hlen(accessKeys(prefix).devices)).toBe(0);
    expect(await admin.hlen(accessKeys(prefix).deviceIds)).toBe(0);
    // Revoking again, on either node, finds nothing.
    expect(await a.access.devices.revoke(id)).toEqual({ found: false, saved: true });
  });

  it('last-seen times reach Redis when a node flushes, but never bring back a device revoked meanwhile', async () => {
    fresh();
    const [a, b] = [await node(), await node()];
    const first = await pairOn(a);
    const second = await pairOn(a);
    await until(() => b.access.devices.size === 2, 'node B hears of both pairings');
    expect(b.access.authenticate(fromLan({ cookie: first.cookie }, 5000, '10.0.0.42'))).toMatchObject({ ok: true });
    expect(b.access.authenticate(fromLan({ cookie: second.cookie }, 5000, '10.0.0.43'))).toMatchObject({ ok: true });
    await a.access.devices.revoke(second.id);
    await until(() => b.access.devices.size === 1, 'node B hears of the revocation');
    await b.store.devices.flush();
    const stored = Object.values(await admin.hgetall(accessKeys(prefix).devices)).map((text) => JSON.parse(text) as { id: string; lastAddress: string });
    expect(stored).toEqual([expect.objectContaining({ id: first.id, lastAddress: '10.0.0.42' })]);
  });

  it('a revocation a node missed while its subscription was down is applied when it reconnects', async () => {
    fresh();
    const [a, b] = [await node(), await node()];
    const { cookie, id } = await pairOn(a);
    await until(() => b.access.devices.size === 1, 'node B hears of the pairing');
    const heardOnB: string[] = [];
    b.access.devices.onRevoked((revoked) => heardOnB.push(revoked));
    // Removed behind every node's back (no notification), then the subscriptions drop.
    const keys = accessKeys(prefix);
    await admin.multi().hdel(keys.devices, (await admin.hget(keys.deviceIds, id))!).hdel(keys.deviceIds, id).exec();
    expect(b.access.authenticate(fromLan({ cookie }))).toMatchObject({ ok: true });
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await until(() => heardOnB.length === 1, 'node B reloads the devices after reconnecting', 5000);
    expect(b.access.authenticate(fromLan({ cookie }))).toMatchObject({ ok: false, refusal: { code: 'AUTH_REQUIRED' } });
    expect(b.access.devices.size).toBe(0);
  });

  it('a node that cannot hear Redis answers device cookies with 503 and keeps them, then trusts them again', async () => {
    fresh();
    const a = await node({ heartbeatMs: 50, maxStaleMs: 300 });
    const { cookie } = await pairOn(a);
    expect(a.access.authenticate(fromLan({ cookie }))).toMatchObject({ ok: true });
    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
    await until(() => !a.access.authenticate(fromLan({ cookie })).ok, 'the copy counts as stale', 2000);
    const stale = a.access.authenticate(fromLan({ cookie }));
    expect(stale).toMatchObject({ ok: false, refusal: { code: 'STORAGE_FAILED', retryAfterSeconds: 5 } });
    expect(stale.setCookie).toBeUndefined(); // the browser keeps its pairing
    expect(a.access.failures.retryAfterSeconds('10.0.0.7')).toBe(0); // and is not counted as guessing
    await until(() => a.access.authenticate(fromLan({ cookie })).ok, 'the copy is trusted again', 4000);
  });

  it('the API token is one per cluster: created once, shared, and a node given another --token refuses to start', async () => {
    fresh();
    const a = await node();
    const b = await node();
    expect(a.store.apiToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b.store.apiToken).toBe(a.store.apiToken);
    expect(b.access.authenticate(fromLan({ authorization: `Bearer ${a.store.apiToken}` }))).toMatchObject({ ok: true, principal: { kind: 'owner', via: 'token' } });
    await expect(openRedisAccessStore({ url: redis.url, prefix, token: 'another-token-0123456789' })).rejects.toMatchObject({ code: 'ERR_CLUSTER_TOKEN_MISMATCH' });
    const same = await node({ token: a.store.apiToken! });
    expect(same.store.apiToken).toBe(a.store.apiToken);

    // A new cluster started with --token takes that token; later nodes without one use it.
    fresh();
    const first = await node({ token: 'cluster-token-0123456789' });
    expect(first.store.apiToken).toBe('cluster-token-0123456789');
    expect((await node()).store.apiToken).toBe('cluster-token-0123456789');
    await expect(openRedisAccessStore({ url: redis.url, prefix, token: 'short' })).rejects.toMatchObject({ code: 'ERR_CLUSTER_TOKEN_INVALID' });
  });

  it('a Redis that cannot be reached fails the start with ERR_ACCESS_STORE_UNAVAILABLE, its password not repeated', async () => {
    const closed = await startRedis({ aof: false });
    await closed.stop(); // a port where nothing listens now
    const failure = openRedisAccessStore({ url: `redis://:secret-password@127.0.0.1:${closed.port}` });
    await expect(failure).rejects.toMatchObject({ code: 'ERR_ACCESS_STORE_UNAVAILABLE', name: 'AccessStoreError' });
    await expect(failure).rejects.not.toThrow(/secret-password/);
  });

  it('a pairing code issued on node A is redeemed on node B once; A then issues the next, which works anywhere', async () => {
    fresh();
    const [a, b] = [await node(), await node()];
    const issuedOnA: string[] = [];
    a.access.pairing.onChange((code) => issuedOnA.push(code));
    const code = a.access.pairing.current;
    const paired = await b.access.redeemPairingCode(fromLan(), code);
    expect(paired).toMatchObject({ ok: true, saved: true });
    for (const target of [a, b]) {
      expect(await target.access.redeemPairingCode(fromLan(), code)).toMatchObject({ ok: false, refusal: { code: 'INVALID_PAIRING_CODE' } });
    }
    await until(() => issuedOnA.length === 1, 'node A issues a new code');
    expect(a.access.pairing.current).toBe(issuedOnA[0]);
    expect(a.access.pairing.current).not.toBe(code);
    expect(b.access.pairing.current).not.toBe(a.access.pairing.current); // each node has its own
    expect(await b.access.redeemPairingCode(fromLan(), a.access.pairing.current)).toMatchObject({ ok: true });
  });

  it('two nodes redeeming the same code at the same moment: exactly one succeeds', async () => {
    fresh();
    const [a, b, c] = [await node(), await node(), await node()];
    for (let round = 0; round < 5; round++) {
      const code = c.access.pairing.current;
      const outcomes = await Promise.all([a.access.pairing.spend(code), b.access.pairing.spend(code), c.access.pairing.spend(code)]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      await until(() => c.access.pairing.current !== code, 'node C issues its next code');
    }
  });

  it("the code of a node that stopped no longer pairs, and a code's TTL is renewed while its node runs", async () => {
    fresh();
    const [a, b] = [await node({ pairingCodeTtlMs: 3000 }), await node()];
    const code = a.access.pairing.current;
    await new Promise((resolve) => setTimeout(resolve, 3500)); // longer than the TTL: renewed (every second) meanwhile
    expect(a.access.pairing.current).toBe(code);
    expect(await b.access.pairing.spend(code)).toBe(true);
    await until(() => a.access.pairing.current !== code, 'node A issues a new code');
    const next = a.access.pairing.current;
    await a.access.close();
    expect(await b.access.redeemPairingCode(fromLan(), next)).toMatchObject({ ok: false, refusal: { code: 'INVALID_PAIRING_CODE' } });
  });

  it('failed attempts are limited across the cluster: failures spread over two nodes block the address on both', async () => {
    fresh();
    const limits = { maxAuthFailures: 3, authFailureWindowMs: 60_000 };
    const [a, b] = [await node({}, limits), await node({}, limits)];
    const wrong = fromLan({ authorization: 'Bearer wrong-token-0123456789' });
    expect(a.access.authenticate(wrong)).toMatchObject({ ok: false, refusal: { code: 'INVALID_TOKEN' } });
    expect(a.access.authenticate(wrong)).toMatchObject({ ok: false, refusal: { code: 'INVALID_TOKEN' } });
    expect(await b.access.redeemPairingCode(fromLan(), 'not-a-code')).toMatchObject({ ok: false, refusal: { code: 'INVALID_PAIRING_CODE' } });
    // Neither node saw three failures itself; the cluster did.
    await until(() => a.access.failures.retryAfterSeconds('10.0.0.7') > 0 && b.access.failures.retryAfterSeconds('10.0.0.7') > 0, 'both nodes block the address');
    const right = fromLan({ authorization: `Bearer ${a.store.apiToken}` });
    expect(b.access.authenticate(right)).toMatchObject({ ok: false, refusal: { code: 'TOO_MANY_ATTEMPTS' } });
    // Another address is not affected.
    expect(b.access.authenticate(fromLan({ authorization: `Bearer ${a.store.apiToken}` }, 5000, '10.0.0.8'))).toMatchObject({ ok: true });
  });
});

describe.skipIf(!available)('two servers on one Redis', () => {
  it('a device cookie a server has not heard of yet is looked up in Redis before the verdict, not cleared', async () => {
    prefix = `test-${randomUUID()}:`;
    const store = await openRedisAccessStore({ url: redis.url, prefix });
    const engine = new TaskEngine();
    const app = buildServer(engine, { logLevel: 'silent', access: createAccessControl({ accessStore: store }) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      // Paired by another node a moment ago: in Redis, its notification not yet here.
      const token = newSecret(32);
      const now = new Date().toISOString();
      const device = { id: randomUUID(), name: 'Phone', createdAt: now, lastSeenAt: now, lastAddress: '10.0.0.9', tokenHash: hashSecret(token) };
      const keys = accessKeys(prefix);
      await admin.multi().hset(keys.devices, device.tokenHash, JSON.stringify(device)).hset(keys.deviceIds, device.id, device.tokenHash).exec();
      expect(store.devices.size).toBe(0);
      const answer = await request(`${url}/api/devices`, { headers: { cookie: `${store.deviceCookieName}=${token}` } });
      // Admitted as that device (not as the loopback owner), and its cookie kept.
      expect(answer.json).toMatchObject({ code: 'OWNER_ONLY' });
      expect(answer.headers['set-cookie']).toBeUndefined();
      expect(store.devices.list().map((known) => known.id)).toEqual([device.id]);
      // An unknown token is still refused, and cleared.
      const forged = await request(`${url}/api/devices`, { headers: { cookie: `${store.deviceCookieName}=${newSecret(32)}` } });
      expect(String(forged.headers['set-cookie'])).toContain('Max-Age=0');
    } finally {
      await app.close();
      await engine.stop({ graceMs: 0 });
    }
  });

  it("pair over HTTP on server A, open sockets on both; revoking on B closes the device's sockets on both", async () => {
    prefix = `test-${randomUUID()}:`;
    const servers = await Promise.all(
      [0, 1].map(async () => {
        const store = await openRedisAccessStore({ url: redis.url, prefix });
        const engine = new TaskEngine();
        const app = buildServer(engine, { logLevel: 'silent', access: createAccessControl({ accessStore: store }) });
        await app.listen({ host: '127.0.0.1', port: 0 });
        return { app, engine, store, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
      }),
    );
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    try {
      const paired = await request(`${a.url}/pair?code=${a.store.pairing.current}`);
      expect(paired.status).toBe(303);
      const cookie = String(paired.headers['set-cookie']).split(';')[0]!;
      await until(() => b.store.devices.size === 1, 'server B hears of the pairing');
      // On B the cookie makes a device (not the owner, as loopback alone would): owner routes refuse it.
      expect((await request(`${b.url}/api/devices`, { headers: { cookie } })).json).toMatchObject({ code: 'OWNER_ONLY' });
      const onA = await MessageCollector.open(a.url, 'device-on-a', { headers: { cookie } });
      const onB = await MessageCollector.open(b.url, 'device-on-b', { headers: { cookie } });
      const [device] = b.store.devices.list();
      const revoked = await request(`${b.url}/api/devices/${device!.id}`, { method: 'DELETE' });
      expect(revoked.json).toEqual({ id: device!.id, revoked: true });
      expect(await onA.closed).toEqual({ code: 1008, reason: 'Device revoked' });
      expect(await onB.closed).toEqual({ code: 1008, reason: 'Device revoked' });
      // The cookie is worthless on A now: loopback without a device, and told to drop it.
      const after = await request(`${a.url}/api/devices`, { headers: { cookie } });
      expect(after.status).toBe(200);
      expect(String(after.headers['set-cookie'])).toContain('Max-Age=0');
    } finally {
      for (const server of servers) {
        await server.app.close();
        await server.engine.stop({ graceMs: 0 });
      }
    }
  });
});
