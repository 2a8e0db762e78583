import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { projectRoot } from '../../launcher/project-root.js';
import { waitForOutput } from '../../test-support/cli-process.js';

/**
 * `task-monitor --max-connections N` (here through TASK_MONITOR_MAX_CONNECTIONS) serves N
 * WebSockets from the real executable, refuses the next one with the documented 503
 * TOO_MANY_CONNECTIONS, and gives back what the sockets cost once they close: memory measured
 * over several rounds of opening and closing thousands of sockets (the server's heap after a
 * forced GC, through the V8 inspector, and its RSS) returns to where the first round left it.
 */

const SOCKETS = 5000;
/** Sockets of the later rounds: fewer, to stay well within CI time; a leak per session still shows. */
const LATER_ROUND = 2000;
const BATCH = 250;

/** The soft limit on open files of this process (Linux), or undefined where it cannot be read. */
function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
  } catch {
    return undefined;
  }
}

const limit = openFileLimit();
const enoughFiles = limit !== undefined && limit >= SOCKETS + 500;
if (!enoughFiles) console.warn(`connection-capacity: SKIPPED, this process may open ${limit ?? 'an unknown number of'} files and needs ${SOCKETS + 500} (ulimit -n)`);

/** A minimal Chrome DevTools Protocol client: forces a GC in the server and reads its heap. */
class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
      if (message.id !== undefined) this.pending.get(message.id)?.(message.result);
    });
  }

  static async connect(url: string): Promise<Inspector> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return new Inspector(socket);
  }

  call<T>(method: string): Promise<T> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, method }));
    return new Promise((resolve) => this.pending.set(id, resolve as (result: unknown) => void));
  }

  close(): void {
    this.socket.terminate();
  }
}

interface Server {
  child: ChildProcess;
  url: string;
  inspector: Inspector;
  output(): string;
}

/** Starts the real executable with the inspector on, its open-file limit raised to what the test needs. */
async function startServer(env: Record<string, string>): Promise<Server> {
  const bin = join(projectRoot(), 'bin', 'task-monitor.js');
  const args = ['--headless', '--host', '127.0.0.1', '--port', '0', '--in-memory', '--log-level', 'error'];
  // Raising the soft limit up to the hard one needs no privilege; the shell does it for the child.
  const script = `ulimit -n ${SOCKETS + 2000} 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"`;
  const child = spawn('/bin/sh', ['-c', script, 'sh', process.execPath, '--inspect=127.0.0.1:0', bin, ...args], {
    env: { ...process.env, TASK_MONITOR_DATA_DIR: mkdtempSync(join(tmpdir(), 'task-monitor-capacity-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = (await waitForOutput(() => output, /listening on (http:\/\/[^\s"]+)/))[1]!;
  const inspectorUrl = (await waitForOutput(() => output, /Debugger listening on (ws:\/\/\S+)/))[1]!;
  return { child, url, inspector: await Inspector.connect(inspectorUrl), output: () => output };
}

/** Opens `count` sockets, `BATCH` at a time, each its own session; rejects if any is refused. */
async function openSockets(url: string, count: number, prefix: string): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - start) }, (_, i) => {
      const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?sessionId=${prefix}-${start + i}`);
      sockets.push(socket);
      return new Promise<void>((resolve, reject) => {
        socket.once('message', () => resolve()); // the greeting: the server registered the socket
        socket.once('error', reject);
        socket.once('unexpected-response', (_request, response) => reject(new Error(`refused with ${response.statusCode}`)));
      });
    });
    await Promise.all(batch);
  }
  return sockets;
}

/** One more socket, expected to be refused: the HTTP answer to its upgrade. */
function refusedUpgrade(url: string): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?sessionId=one-too-many`);
    socket.once('open', () => reject(new Error('the socket over the limit was accepted')));
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] as string | undefined, body }));
    });
    socket.once('error', () => undefined); // the refusal, reported again as an error
  });
}

async function closeSockets(sockets: WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.close(1000, 'done');
        }),
    ),
  );
}

async function activeConnections(url: string): Promise<number> {
  return ((await (await fetch(`${url}/health`)).json()) as { activeConnections: number }).activeConnections;
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The server's memory once everything collectable is collected. */
async function memoryOf(server: Server): Promise<{ heap: number; rss: number }> {
  for (let i = 0; i < 3; i++) await server.inspector.call('HeapProfiler.collectGarbage');
  const { usedSize } = await server.inspector.call<{ usedSize: number }>('Runtime.getHeapUsage');
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return { heap: usedSize, rss: rssKb * 1024 };
}

describe.skipIf(!enoughFiles)('connection capacity of the real executable', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer({ TASK_MONITOR_MAX_CONNECTIONS: String(SOCKETS) });
  }, 30_000);
  afterAll(() => {
    server?.inspector.close();
    server?.child.kill('SIGKILL');
  });

  it(`serves ${SOCKETS} WebSockets with --max-connections ${SOCKETS}, refuses the next with 503 TOO_MANY_CONNECTIONS, and memory returns after every round`, async () => {
    const started = Date.now();
    const rounds: Array<{ heap: number; rss: number }> = [];
    for (let round = 0; round < 4; round++) {
      const count = round === 0 ? SOCKETS : LATER_ROUND;
      const sockets = await openSockets(server.url, count, `round${round}`);
      expect(await activeConnections(server.url)).toBe(count);
      if (round === 0) {
        const refused = await refusedUpgrade(server.url);
        expect(refused.status).toBe(503);
        expect(refused.retryAfter).toBe('5');
        expect(JSON.parse(refused.body)).toMatchObject({ code: 'TOO_MANY_CONNECTIONS' });
      }
      await closeSockets(sockets);
      await until(async () => (await activeConnections(server.url)) === 0, 'every socket to close on the server');
      rounds.push(await memoryOf(server));
    }
    const [baseline] = rounds;
    const report = rounds.map((r, i) => `round ${i + 1}: heap ${(r.heap / 1e6).toFixed(1)} MB, rss ${(r.rss / 1e6).toFixed(1)} MB`).join('; ');
    console.info(`connection-capacity: ${report}; ${Date.now() - started} ms`);
    for (const later of rounds.slice(2)) {
      expect(later.heap, report).toBeLessThanOrEqual(baseline!.heap * 1.1);
      expect(later.rss, report).toBeLessThanOrEqual(baseline!.rss * 1.1);
    }
  }, 90_000);
});
