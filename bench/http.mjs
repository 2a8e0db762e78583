// 4. HTTP: POST /api/task/start requests/s (autocannon in a child process, bounded duration)
// against a bare fastify route returning the same JSON.
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { startTaskMonitor } from '../out/engine/launcher/start-task-monitor.js';
import { noopKind } from './lib/bench-kinds.mjs';
import { alternate, Child, emitResult, log, QUICK } from './lib/common.mjs';

const DURATION_S = QUICK ? 3 : 5;
// One short round of each side first, not counted: the first rounds of a process ran our server at
// ~8k req/s and later ones at ~11k (JIT of our larger request path), while bare's were steady.
const WARMUP_S = 2;
// Four rounds in a full run: a median of two is their mean, and one disturbed round moved it by a third.
const ROUNDS = QUICK ? 2 : 4;
const CONNECTIONS = 32;
const SESSIONS = 100; // the bodies cycle through 100 sessions, as many users would

const bodies = Array.from({ length: SESSIONS }, (_, i) => JSON.stringify({ name: `http bench ${i}`, kind: 'bench-noop', clientId: `http-${i}` }));
const requests = bodies.map((body) => ({ method: 'POST', path: '/api/task/start', headers: { 'content-type': 'application/json' }, body }));

const runner = new Child('clients/autocannon-runner.mjs');
let lastDetail = {};

async function load(baseUrl, durationSeconds) {
  const result = await runner.ask({ type: 'load', url: baseUrl, requests, connections: CONNECTIONS, durationSeconds }, 'loaded', durationSeconds * 1000 + 30_000);
  if (result.non2xx > 0 || result.errors > 0) log(`  ${result.non2xx} non-2xx, ${result.errors} errors: ${JSON.stringify(result.statusCodes)}`);
  lastDetail = result;
  return result;
}

async function oursRun({ routeOnly = false, durationSeconds = DURATION_S } = {}) {
  // A no-op kind with the default 8 workers keeps the queue from filling: each request costs its
  // request path (validation, access rules, headers) plus one whole task life in the engine.
  const monitor = await startTaskMonitor({ port: 0, uiDir: null, logLevel: 'silent', inMemory: true });
  monitor.engine.registerKind(noopKind);
  if (routeOnly) {
    // Diagnostic: the engine stubbed out, to split our cost between the request path and the task.
    // The stub's task carries what the start response reads (its schema requires `state`).
    monitor.engine.submit = async (submission) => ({ ok: true, task: { id: randomUUID(), clientId: submission.clientId, state: 'queued', runAt: null } });
  }
  try {
    const result = await load(monitor.url, durationSeconds);
    if (result.non2xx > 0) throw new Error(`our server refused ${result.non2xx} of ${result.total} requests: ${JSON.stringify(result.statusCodes)}`);
    return result.requestsPerSecond;
  } finally {
    await monitor.close();
  }
}

async function bareRun(durationSeconds = DURATION_S) {
  const app = Fastify({ logger: false });
  app.post('/api/task/start', async (request) => ({
    taskId: randomUUID(),
    message: 'Task queued successfully',
    status: 'Queued',
    timestamp: new Date().toISOString(),
    clientId: request.body.clientId,
  }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { port } = app.server.address();
    return (await load(`http://127.0.0.1:${port}`, durationSeconds)).requestsPerSecond;
  } finally {
    await app.close();
  }
}

try {
  log(`POST /api/task/start warm-up (${WARMUP_S} s each, not counted): bare ${Math.round(await bareRun(WARMUP_S))}, ours ${Math.round(await oursRun({ durationSeconds: WARMUP_S }))}, route only ${Math.round(await oursRun({ routeOnly: true, durationSeconds: WARMUP_S }))} req/s`);
  const result = await alternate({ bare: bareRun, ours: () => oursRun(), routeOnly: () => oursRun({ routeOnly: true }) }, ROUNDS, 'POST /api/task/start');
  emitResult({
    rows: [
      {
        id: 'http-start',
        section: 'HTTP',
        measure: `POST /api/task/start, ${CONNECTIONS} connections, ${DURATION_S} s (req/s)`,
        ours: result.ours.median,
        baseline: result.bare.median,
        baselineName: 'bare fastify route, same JSON',
        unit: 'req/s',
        target: { ratio: 0.7 },
        samples: result,
        detail: lastDetail,
      },
      {
        id: 'http-start-route-only',
        section: 'HTTP',
        measure: 'same, engine stubbed out (request path only: access rules, validation, headers) (req/s)',
        ours: result.routeOnly.median,
        baseline: result.bare.median,
        baselineName: 'bare fastify route, same JSON',
        unit: 'req/s',
      },
    ],
  });
} finally {
  await runner.stop();
}
