// 5. Footprint: server memory per idle WebSocket at 5,000 connections (server and clients in
// child processes), and cold start to the first 200 from /health (the built launcher against a
// bare `node -e` fastify).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alternate, benchPath, Child, emitResult, log, QUICK, rssOf, sleep } from './lib/common.mjs';

const CONNECTIONS = QUICK ? 2000 : 5000;
const COLD_STARTS = QUICK ? 3 : 5;
/** Finished tasks in the file at a start: the kept history (the engine's default), and five times that. */
const KEPT_ROWS = 10_000;
const MANY_ROWS = 50_000;

/** Memory of a server child before and after `CONNECTIONS` idle sockets; bytes per connection. */
async function perConnection(serverScript, prelude) {
  const server = new Child(serverScript, { execArgv: ['--expose-gc'] });
  const clients = new Child('clients/fanout-clients.mjs');
  try {
    const { wsUrl } = await server.next('ready', 30_000);
    const before = await server.ask({ type: 'memory' }, 'memory');
    const started = performance.now();
    await clients.ask({ type: 'open', url: `${wsUrl}?sessionId=idle`, count: CONNECTIONS, prelude }, 'opened', 180_000);
    const openMs = performance.now() - started;
    await sleep(1000);
    const after = await server.ask({ type: 'memory' }, 'memory');
    const rssAfter = await rssOf(server.proc.pid);
    return {
      rssPerConnection: (after.rss - before.rss) / CONNECTIONS,
      heapPerConnection: (after.heapUsed + after.external - before.heapUsed - before.external) / CONNECTIONS,
      rssAfter,
      openMs,
    };
  } finally {
    await clients.ask({ type: 'close' }, 'closed', 30_000).catch(() => undefined);
    await clients.stop();
    await server.stop();
  }
}

/** Milliseconds from spawning `args` until GET /health answers 200 (the process prints its URL). */
async function coldStart(args, env = {}, onReady = undefined) {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: benchPath('..'), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`no URL within 30 s: ${output}`)), 30_000);
      const onData = (chunk) => {
        output += chunk;
        const match = /listening on (http:\/\/[\w.:[\]-]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
    });
    for (let attempt = 0; attempt < 2000; attempt++) {
      if ((await getStatus(`${url}/health`)) === 200) {
        const ms = performance.now() - started;
        await onReady?.(child);
        return ms;
      }
      await sleep(1);
    }
    throw new Error('no 200 from /health');
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
  }
}

function getStatus(url) {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode));
    });
    request.once('error', () => resolve(0));
  });
}

const BARE_FASTIFY = `
const app = require('fastify')({ logger: false });
app.get('/health', async () => ({ status: 'Healthy', timestamp: new Date().toISOString(), activeConnections: 0, service: 'bare' }));
app.listen({ host: '127.0.0.1', port: 0 }).then((address) => console.log('listening on ' + address));
`;

async function launcherColdStart() {
  const dataDir = mkdtempSync(join(tmpdir(), 'task-monitor-cold-'));
  try {
    return await coldStart(['bin/task-monitor.js', '--headless', '--host', '127.0.0.1', '--port', '0', '--grace-ms', '0', '--data-dir', dataDir]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * A tasks.db holding `count` finished tasks (as the engine writes them), made once with the
 * built store; each start gets a copy, as a start prunes what it does not keep.
 */
async function seedDatabase(count) {
  const { SqliteTaskStore } = await import(benchPath('../out/engine/store/sqlite-task-store.js'));
  const dir = mkdtempSync(join(tmpdir(), 'task-monitor-seed-'));
  const store = SqliteTaskStore.open(join(dir, 'tasks.db'));
  const now = Date.now() - count;
  const saves = [];
  for (let i = 0; i < count; i++) {
    const createdAt = now + i;
    saves.push(store.save({
      id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`, name: `seeded task ${i}`, kind: 'demo', parameters: { duration: 1000 },
      clientId: `session-${i % 100}`, state: i % 10 === 0 ? 'failed' : 'completed', progress: 100, statusText: i % 10 === 0 ? 'Failed' : 'Completed',
      result: null, error: i % 10 === 0 ? 'Simulated failure' : null, createdAt, startedAt: createdAt, completedAt: createdAt + 1000,
      attempt: 1, maxAttempts: 1, priority: 0, runAt: null,
    }));
  }
  await Promise.all(saves);
  await store.close();
  return { file: join(dir, 'tasks.db'), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Start time (ms to the first 200) and RSS then, of the launcher on a copy of `seed`. */
async function seededStart(seed, rssSamples) {
  const dataDir = mkdtempSync(join(tmpdir(), 'task-monitor-rows-'));
  try {
    copyFileSync(seed.file, join(dataDir, 'tasks.db'));
    return await coldStart(['bin/task-monitor.js', '--headless', '--host', '127.0.0.1', '--port', '0', '--grace-ms', '0', '--data-dir', dataDir], {}, async (child) => {
      rssSamples.push(await rssOf(child.pid));
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await getStatus('http://127.0.0.1:9/'); // warm the HTTP client once (first use loads modules)
const keptSeed = await seedDatabase(KEPT_ROWS);
const manySeed = await seedDatabase(MANY_ROWS);
const rowsRss = { kept: [], many: [] };
let rowsStart;
try {
  rowsStart = await alternate(
    { kept: () => seededStart(keptSeed, rowsRss.kept), many: () => seededStart(manySeed, rowsRss.many) },
    COLD_STARTS,
    `start with ${KEPT_ROWS.toLocaleString('en-US')} | ${MANY_ROWS.toLocaleString('en-US')} finished rows on disk (ms)`,
  );
} finally {
  keptSeed.dispose();
  manySeed.dispose();
}
const medianOf = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
log(`  RSS at the first 200 (MiB): ${KEPT_ROWS} rows ${rowsRss.kept.map((b) => (b / 2 ** 20).toFixed(0)).join(', ')}; ${MANY_ROWS} rows ${rowsRss.many.map((b) => (b / 2 ** 20).toFixed(0)).join(', ')}`);
const cold = await alternate({ bare: () => coldStart(['-e', BARE_FASTIFY]), ours: launcherColdStart }, COLD_STARTS, 'cold start (ms)');

const bare = await perConnection('servers/bare-ws-server.mjs', 0);
log(`bare ws: ${Math.round(bare.rssPerConnection)} B RSS, ${Math.round(bare.heapPerConnection)} B heap per connection (${Math.round(bare.openMs)} ms to open)`);
const ours = await perConnection('servers/monitor-server.mjs', 2);
log(`ours: ${Math.round(ours.rssPerConnection)} B RSS, ${Math.round(ours.heapPerConnection)} B heap per connection (${Math.round(ours.openMs)} ms to open)`);

emitResult({
  rows: [
    {
      id: 'memory-per-connection',
      section: 'Footprint',
      measure: `server RSS per idle WebSocket, ${CONNECTIONS.toLocaleString('en-US')} connections (KiB)`,
      ours: ours.rssPerConnection / 1024,
      baseline: bare.rssPerConnection / 1024,
      baselineName: 'bare ws server',
      unit: 'KiB',
      lowerIsBetter: true,
      detail: { ours, bare },
    },
    {
      id: 'heap-per-connection',
      section: 'Footprint',
      measure: 'server JS heap + external per idle WebSocket, after GC (KiB)',
      ours: ours.heapPerConnection / 1024,
      baseline: bare.heapPerConnection / 1024,
      baselineName: 'bare ws server',
      unit: 'KiB',
      lowerIsBetter: true,
    },
    {
      id: 'cold-start',
      section: 'Footprint',
      measure: `cold start: spawn → first 200 from /health (ms, median; ${existsSync(benchPath('../out/renderer/handler.js')) ? 'launcher loads the built UI' : 'UI not built: API only'})`,
      ours: cold.ours.median,
      baseline: cold.bare.median,
      baselineName: 'bare fastify via node -e',
      unit: 'ms',
      lowerIsBetter: true,
      samples: cold,
    },
    {
      id: 'start-with-rows',
      section: 'Footprint',
      measure: `start of the launcher with ${MANY_ROWS.toLocaleString('en-US')} finished rows on disk vs ${KEPT_ROWS.toLocaleString('en-US')} (the kept history), spawn → first 200 (ms, median)`,
      ours: rowsStart.many.median,
      baseline: rowsStart.kept.median,
      baselineName: `${KEPT_ROWS.toLocaleString('en-US')} rows`,
      unit: 'ms',
      lowerIsBetter: true,
      target: { maxRatio: 1.1 },
      samples: rowsStart,
    },
    {
      id: 'rss-with-rows',
      section: 'Footprint',
      measure: `same, RSS at the first 200 (MiB, median)`,
      ours: medianOf(rowsRss.many) / 2 ** 20,
      baseline: medianOf(rowsRss.kept) / 2 ** 20,
      baselineName: `${KEPT_ROWS.toLocaleString('en-US')} rows`,
      unit: 'MiB',
      lowerIsBetter: true,
      target: { maxRatio: 1.1 },
      samples: rowsRss,
    },
  ],
});
