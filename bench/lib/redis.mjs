// A private `redis-server` for the bench sections that compare with (or run on) Redis: a free
// 127.0.0.1 port, its data in a fresh temporary folder, never a system Redis. Ported from
// src-engine/test-support/redis-server.ts (the bench is plain .mjs over out/engine and that file is
// test support, not part of the build).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './common.mjs';

/** Whether `redis-server` is installed; sections without it emit a skipped row instead of failing. */
export function redisServerAvailable() {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts `redis-server` on 127.0.0.1 and a free port and resolves once it answers PING.
 * `aof` (default true): `appendonly yes` + `appendfsync everysec`, the durable setting docs
 * recommend for BullMQ, so that the comparison with our SQLite store is durable against durable.
 * Resolves with `{ url, port, dir, pid, stop() }`; `stop()` ends it and removes its folder.
 */
export async function startRedis({ aof = true } = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'task-monitor-bench-redis-'));
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', aof ? 'yes' : 'no', '--appendfsync', 'everysec', '--protected-mode', 'yes', '--daemonize', 'no', '--loglevel', 'warning',
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`redis-server exited (${child.exitCode}): ${output}`);
    }
    if (await answers(port)) return { url: `redis://127.0.0.1:${port}`, port, dir, pid: child.pid, stop };
    await sleep(50);
  }
  await stop();
  throw new Error(`redis-server did not answer on port ${port} within 10 s: ${output}`);
}

/** PING on a raw socket: `-LOADING` while an AOF is replayed counts as not yet. */
function answers(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a private Redis (see {@link startRedis}) with a client of the bench's own, which checks
 * that AOF is on with `appendfsync everysec` and empties Redis between runs (`flush`), so that one
 * run's leftovers do not weigh on the next. Resolves `{ url, port, pid, version, flush(), stop() }`.
 */
export async function openBenchRedis() {
  const { Redis } = await import('ioredis');
  const redis = await startRedis({ aof: true });
  const client = new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null, lazyConnect: true });
  try {
    await client.connect();
    const [, appendonly] = await client.config('GET', 'appendonly');
    const [, appendfsync] = await client.config('GET', 'appendfsync');
    if (appendonly !== 'yes' || appendfsync !== 'everysec') throw new Error(`redis-server is not on AOF everysec: appendonly ${appendonly}, appendfsync ${appendfsync}`);
  } catch (error) {
    client.disconnect();
    await redis.stop();
    throw error;
  }
  return {
    url: redis.url,
    port: redis.port,
    pid: redis.pid,
    version: spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.match(/v=([\d.]+)/)?.[1] ?? '?',
    flush: () => client.flushall(),
    async stop() {
      client.disconnect();
      await redis.stop();
    },
  };
}
