// 7. Cluster (scale-out on BullMQ + Redis), against the embedded engine on the same machine. Every
// process is the built launcher, with the jobs file of bench/lib/cluster-nodes.mjs:
// - tasks/s: no-op tasks submitted over HTTP to an API node (`--redis URL --no-workers`) with 1, 2
//   and 3 worker processes (`worker --redis URL --concurrency 8`), completion observed over the API
//   node's WebSocket; baseline, one embedded node (`--concurrency 8`, SQLite) measured the same way;
// - delivery across nodes: tasks submitted to node A (API + workers), a client on node B
//   (`--no-workers`) receives their `taskProgress` frames; p50/p99 of report → receipt (stamped
//   with the monotonic clock where the task runs); baseline, one embedded node (submit and receive
//   on it).
// Redis is private (127.0.0.1, a temp folder, AOF everysec). Skipped when redis-server is absent;
// reports "cluster mode not available in this build" when the launcher refuses `--redis`.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterUnavailableError, startApiNode, startWorker, writeBenchJobsFile } from './lib/cluster-nodes.mjs';
import { alternate, Child, emitResult, log, median, percentile, QUICK } from './lib/common.mjs';
import { openBenchRedis, redisServerAvailable } from './lib/redis.mjs';

const TASKS = QUICK ? 2000 : 6000; // per throughput run
const WORKER_COUNTS = [1, 2, 3];
const CONCURRENCY = 8; // per worker process, and the embedded node's (the default)
const SESSIONS = 8;
const PER_SESSION = 32; // in flight per session: 256 in all, below the per-session cap (200) and the queue's (1,000)
const ROUNDS = QUICK ? 2 : 3;
const RUN_TIMEOUT_MS = 120_000;
const WARMUP_ATTEMPTS = 5;

const LATENCY_SESSIONS = Array.from({ length: 20 }, (_, i) => `cluster-latency-${i}`);
const LATENCY_PER_SESSION = 5; // 100 tasks in flight, 10 reports/s each
const LATENCY_CONCURRENCY = 128;
const DURATION_MS = 1000;
const STEPS = 10;
const WARMUP_MS = 2000;
const LOAD_MS = QUICK ? 3000 : 5000;
const LATENCY_ROUNDS = QUICK ? 1 : 3;

const UNAVAILABLE = 'cluster mode not available in this build';

let runCounter = 0;

/** Runs `body(dir, track)`; every process given to `track` is stopped, and the folder removed, whatever happens. */
async function withProcesses(redis, body) {
  const dir = mkdtempSync(join(tmpdir(), 'task-monitor-bench-cluster-'));
  const processes = [];
  try {
    return await body(dir, (started) => (processes.push(started), started));
  } finally {
    // Last started, first stopped: clients (a Child, closed first) before workers before API nodes.
    for (const started of processes.reverse()) {
      if (started instanceof Child) await started.ask({ type: 'close' }, 'closed', 10_000).catch(() => undefined);
      await started.stop();
    }
    await redis?.flush();
    rmSync(dir, { recursive: true, force: true });
  }
}

const dataDir = (dir, name) => {
  const path = join(dir, name);
  mkdirSync(path);
  return path;
};
const wsBaseOf = (node) => `${node.url.replace('http', 'ws')}/ws`;

/** Starts the launcher's cluster pieces once: throws ClusterUnavailableError when this build has none. */
async function probeCluster(redis) {
  await withProcesses(redis, async (dir, track) => {
    const jobsFile = writeBenchJobsFile(dir);
    track(await startApiNode(['--redis', redis.url, '--no-workers', '--data-dir', dataDir(dir, 'api'), '--jobs', jobsFile]));
    track(await startWorker({ redisUrl: redis.url, concurrency: CONCURRENCY, jobsFile }));
  });
}

/**
 * tasks/s through the API node: `workers` = 0 is one embedded node, else an API node with that
 * many worker processes. A warm-up runs first, until as many processes as workers ran tasks.
 */
function throughputRun(redis, workers) {
  return withProcesses(redis, async (dir, track) => {
    const jobsFile = writeBenchJobsFile(dir);
    const api = track(
      workers === 0
        ? await startApiNode(['--data-dir', dataDir(dir, 'api'), '--jobs', jobsFile, '--concurrency', String(CONCURRENCY)])
        : await startApiNode(['--redis', redis.url, '--no-workers', '--data-dir', dataDir(dir, 'api'), '--jobs', jobsFile]),
    );
    const workerPids = [];
    for (let i = 0; i < workers; i++) workerPids.push(track(await startWorker({ redisUrl: redis.url, concurrency: CONCURRENCY, jobsFile })).pid);
    const client = track(new Child('clients/cluster-clients.mjs'));
    const run = ++runCounter;
    await client.ask({ type: 'open', wsBase: wsBaseOf(api), sessions: Array.from({ length: SESSIONS }, (_, i) => `cluster-${run}-${i}`) }, 'opened', 30_000);
    const runTasks = async (total) => {
      const report = await client.ask({ type: 'run', submitUrl: `${api.url}/api/task/start`, total, perSession: PER_SESSION, timeoutMs: RUN_TIMEOUT_MS }, 'report', RUN_TIMEOUT_MS + 10_000);
      if (report.timedOut || report.refused > 0 || report.finals.completed !== total) {
        throw new Error(`${total} tasks: ${JSON.stringify(report.finals)}, ${report.refused} refused (${report.firstRefusal})${report.timedOut ? `, timed out after ${RUN_TIMEOUT_MS} ms` : ''}`);
      }
      return report;
    };
    // Warm-up, and the proof that every worker takes tasks (each no-op returns its process id).
    const expected = workers === 0 ? 1 : workers;
    let ran = new Set();
    for (let attempt = 1; attempt <= WARMUP_ATTEMPTS && ran.size < expected; attempt++) {
      const report = await runTasks(100 * expected);
      ran = new Set([...ran, ...Object.keys(report.byProcess)]);
    }
    if (ran.size < expected) throw new Error(`after ${WARMUP_ATTEMPTS} warm-up runs, only ${ran.size} of ${expected} processes ran tasks`);
    const report = await runTasks(TASKS);
    const spread = Object.entries(report.byProcess)
      .map(([pid, count]) => `${workerPids.includes(Number(pid)) ? 'worker' : pid === String(api.pid) ? 'api node' : 'pid'} ${pid}: ${count}`)
      .join(', ');
    log(`  ${workers === 0 ? 'embedded' : `${workers} worker(s)`}: ${spread}`);
    return report.tasksPerSecond;
  });
}

/** Report → receipt latency: `cluster` submits on node A (API + workers), listens on node B; else one embedded node. */
function latencyRun(redis, cluster) {
  return withProcesses(redis, async (dir, track) => {
    const jobsFile = writeBenchJobsFile(dir);
    const concurrency = ['--concurrency', String(LATENCY_CONCURRENCY)];
    const nodeA = track(await startApiNode([...(cluster ? ['--redis', redis.url] : []), '--data-dir', dataDir(dir, 'a'), '--jobs', jobsFile, ...concurrency]));
    const nodeB = cluster ? track(await startApiNode(['--redis', redis.url, '--no-workers', '--data-dir', dataDir(dir, 'b'), '--jobs', jobsFile])) : nodeA;
    const client = track(new Child('clients/latency-clients.mjs'));
    await client.ask({ type: 'open', wsBase: wsBaseOf(nodeB), sessions: LATENCY_SESSIONS, prelude: 2 }, 'opened', 30_000);
    const report = await client.ask(
      { type: 'run', submitUrl: `${nodeA.url}/api/task/start`, perSession: LATENCY_PER_SESSION, durationMs: DURATION_MS, warmupMs: WARMUP_MS, loadMs: LOAD_MS, ticksPerTask: STEPS },
      'report',
      WARMUP_MS + LOAD_MS + 60_000,
    );
    const lost = report.lostStateChanges + report.lostTicks + report.orderErrors;
    const result = { p50: percentile(report.samples, 50), p99: percentile(report.samples, 99), samples: report.samples.length, messages: report.messages, completed: report.completed, refused: report.refused, lost };
    log(`  latency ${cluster ? 'A → B' : 'one node'}: p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, ${result.samples} samples, ${result.completed} tasks, ${lost} lost or out of order, ${result.refused} refused`);
    return result;
  });
}

function skippedRows(reason) {
  return [
    { id: 'cluster-throughput', section: 'Cluster', measure: 'no-op tasks/s over HTTP + WebSocket, API node + 1/2/3 worker processes', skipped: reason },
    { id: 'cluster-latency', section: 'Cluster', measure: 'progress report → receipt across nodes, p50/p99', skipped: reason },
  ];
}

async function measure() {
  const redis = await openBenchRedis();
  try {
    try {
      await probeCluster(redis);
    } catch (error) {
      if (!(error instanceof ClusterUnavailableError)) throw error;
      log(`${UNAVAILABLE}: ${error.message}`);
      return skippedRows(UNAVAILABLE);
    }
    log(`cluster mode on Redis ${redis.version} (127.0.0.1:${redis.port}, AOF everysec)`);
    const rows = [];
    const variants = { embedded: () => throughputRun(redis, 0) };
    for (const workers of WORKER_COUNTS) variants[`workers×${workers}`] = () => throughputRun(redis, workers);
    const throughput = await alternate(variants, ROUNDS, 'cluster tasks/s');
    for (const workers of WORKER_COUNTS) {
      rows.push({
        id: `cluster-workers-${workers}`,
        section: 'Cluster',
        measure: `${TASKS.toLocaleString('en-US')} no-op tasks over HTTP, final state over WebSocket (tasks/s): API node + ${workers} worker process${workers > 1 ? 'es' : ''} (concurrency ${CONCURRENCY} each)`,
        ours: throughput[`workers×${workers}`].median,
        baseline: throughput.embedded.median,
        baselineName: `embedded node, concurrency ${CONCURRENCY}`,
        unit: 'tasks/s',
        samples: { cluster: throughput[`workers×${workers}`], embedded: throughput.embedded },
      });
    }
    const runs = { embedded: [], cluster: [] };
    for (let round = 0; round < LATENCY_ROUNDS; round++) {
      runs.embedded.push(await latencyRun(redis, false));
      runs.cluster.push(await latencyRun(redis, true));
    }
    const medianOf = (list, key) => median(list.map((r) => r[key]));
    const total = (list, key) => list.reduce((sum, r) => sum + r[key], 0);
    const tasksInFlight = LATENCY_SESSIONS.length * LATENCY_PER_SESSION;
    for (const p of ['p50', 'p99']) {
      rows.push({
        id: `cluster-latency-${p}`,
        section: 'Cluster',
        measure: `progress report → receipt, submitted on node A, received on node B, ${p} (ms; median of ${LATENCY_ROUNDS} × ${LOAD_MS / 1000} s, ${tasksInFlight} tasks in flight)`,
        ours: medianOf(runs.cluster, p),
        baseline: medianOf(runs.embedded, p),
        baselineName: 'one embedded node',
        unit: 'ms',
        lowerIsBetter: true,
        ...(p === 'p50' ? { detail: { rounds: runs } } : {}),
      });
    }
    rows.push({
      id: 'cluster-latency-lost',
      section: 'Cluster',
      measure: `messages lost or out of order across nodes (of ${total(runs.cluster, 'messages').toLocaleString('en-US')}; ${total(runs.cluster, 'completed').toLocaleString('en-US')} tasks)`,
      ours: total(runs.cluster, 'lost'),
      baseline: total(runs.embedded, 'lost'),
      baselineName: 'one embedded node',
      unit: 'messages',
      lowerIsBetter: true,
      target: { max: 0 },
    });
    return rows;
  } finally {
    await redis.stop();
  }
}

if (redisServerAvailable()) {
  emitResult({ rows: await measure() });
} else {
  log('redis-server is not installed (Debian: apt-get install redis-server): the cluster section is skipped');
  emitResult({ rows: skippedRows('redis-server not installed') });
}
