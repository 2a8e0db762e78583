// 6. BullMQ: our durable engine against BullMQ on a private Redis (AOF, appendfsync everysec), in
// the same run, in alternating rounds:
// - no-op jobs/s at worker concurrency 8 and 64: BullMQ with a producer process (addBulk) and a
//   worker process, from the first add until the worker saw every job completed; ours, the engine
//   with the SQLite store in a temp folder, measured exactly as section 1 does (bench/lib/engine-run.mjs);
// - progress events/s seen by another process, 8 jobs/tasks reporting at once: job.updateProgress
//   in the worker process → a QueueEvents 'progress' listener in a third process; ours, the tasks'
//   progress reports → the `taskProgress` frames a WebSocket client process receives from our
//   server (durable, data in a temp folder; once more in memory, as a diagnostic), paced like
//   section 2 (at most a window of ticks ahead of what the client acknowledged).
// Diagnostic rows give work per CPU-second of every process of each side (from /proc): on a shared
// machine the other load hands out the cores by process, so a side spread over more processes gets
// more of them, which jobs/s alone does not show.
// Skipped, with a row saying so, when redis-server is not installed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckGate, sharedWindowKind } from './lib/bench-kinds.mjs';
import { alternate, Child, cpuSecondsOf, emitResult, log, median, QUICK } from './lib/common.mjs';
import { engineRun, sqliteStoreFactory } from './lib/engine-run.mjs';
import { openBenchRedis, redisServerAvailable } from './lib/redis.mjs';

const JOBS = QUICK ? 10_000 : 30_000; // per throughput run, both sides
const CONCURRENCIES = [8, 64];
const ROUNDS = 3; // quick runs have fewer jobs and events per round, not fewer rounds: single BullMQ runs vary a lot
const CHUNK = 1000; // jobs per addBulk call
// Like our engine's history (the last 10,000 finished tasks are kept): BullMQ keeps as many completed jobs.
const JOB_OPTIONS = { removeOnComplete: { count: 10_000 } };
const PROGRESS_EVENTS = QUICK ? 20_000 : 60_000; // per progress run, both sides
const PROGRESS_JOBS = 8; // BullMQ: jobs reporting at once (one awaited updateProgress each at a time)
const PROGRESS_WINDOW = 1000; // ours: ticks the client may be behind (section 2's pacing)
const RUN_TIMEOUT_MS = 120_000;
const SESSION = 'bullmq-progress';
const TARGET_RATIO = 5;

let runCounter = 0;
const queueName = (kind) => `bench-${kind}-${process.pid}-${++runCounter}`;

/** Work per CPU-second of every process of a measured run, by variant (warm-up runs have no key). */
const cpuRates = {};

/** Calls `body()` and records `work` per CPU-second that `pids` spent meanwhile under `key`. */
async function recordingCpu(key, pids, work, body) {
  const before = await cpuSecondsOf(pids);
  const result = await body();
  if (key) (cpuRates[key] ??= []).push(work / ((await cpuSecondsOf(pids)) - before));
  return result;
}

/** Forked clients, closed (their Redis connections first) and stopped whatever happens. */
async function withChildren(scripts, body) {
  const children = scripts.map((script) => new Child(script));
  try {
    return await body(...children);
  } finally {
    for (const child of children) {
      await child.ask({ type: 'close' }, 'closed', 10_000).catch(() => undefined);
      await child.stop();
    }
  }
}

/** BullMQ: `count` no-op jobs added in bulk by one process, run by a worker in another; jobs/s. */
function bullmqNoopRun(redis, concurrency, count, cpuKey) {
  const name = queueName('noop');
  return withChildren(['clients/bullmq-producer.mjs', 'clients/bullmq-worker.mjs'], async (producer, worker) => {
    await producer.ask({ type: 'prepare', port: redis.port, name, maxLenEvents: 10_000 }, 'prepared', 30_000);
    await worker.ask({ type: 'start', port: redis.port, name, concurrency, expected: count }, 'ready', 30_000);
    const done = worker.next('done', RUN_TIMEOUT_MS);
    return recordingCpu(cpuKey, [producer.proc.pid, worker.proc.pid, redis.pid], count, async () => {
      const started = performance.now();
      const added = producer.ask({ type: 'add', count, chunk: CHUNK, data: {}, opts: JOB_OPTIONS }, 'added', RUN_TIMEOUT_MS);
      await Promise.all([added, done]);
      return count / ((performance.now() - started) / 1000);
    });
  }).finally(() => redis.flush());
}

/**
 * BullMQ: PROGRESS_JOBS jobs each awaiting `total / PROGRESS_JOBS` job.updateProgress calls in the
 * worker process; events/s from the first add until a QueueEvents listener in a third process has
 * seen every 'progress' event. The stream is long enough that none is trimmed unread.
 */
function bullmqProgressRun(redis, total, cpuKey) {
  const name = queueName('progress');
  const ticks = Math.ceil(total / PROGRESS_JOBS);
  const expected = ticks * PROGRESS_JOBS;
  const scripts = ['clients/bullmq-producer.mjs', 'clients/bullmq-worker.mjs', 'clients/bullmq-progress-observer.mjs'];
  return withChildren(scripts, async (producer, worker, observer) => {
    await producer.ask({ type: 'prepare', port: redis.port, name, maxLenEvents: expected * 2 + 10_000 }, 'prepared', 30_000);
    await observer.ask({ type: 'listen', port: redis.port, name, expected }, 'listening', 30_000);
    await worker.ask({ type: 'start', port: redis.port, name, concurrency: PROGRESS_JOBS, expected: PROGRESS_JOBS, ticks }, 'ready', 30_000);
    const seen = observer.next('done', RUN_TIMEOUT_MS);
    const finished = worker.next('done', RUN_TIMEOUT_MS);
    const pids = [producer.proc.pid, worker.proc.pid, observer.proc.pid, redis.pid];
    const seconds = await recordingCpu(cpuKey, pids, expected, async () => {
      const started = performance.now();
      await producer.ask({ type: 'add', count: PROGRESS_JOBS, chunk: PROGRESS_JOBS, data: {}, opts: JOB_OPTIONS }, 'added', RUN_TIMEOUT_MS);
      await seen;
      return (performance.now() - started) / 1000;
    });
    await finished;
    return expected / seconds;
  }).finally(() => redis.flush());
}

const gate = new AckGate();

/**
 * Ours: PROGRESS_JOBS tasks reporting `total / PROGRESS_JOBS` progress ticks each, on our server
 * (its SQLite store in a temp folder unless `inMemory`), to one WebSocket client in another process
 * that counts every frame; events/s from the first submission until the client has them all (a
 * missing frame would stall the run, not pass it).
 */
async function oursProgressRun(total, { inMemory = false, cpuKey } = {}) {
  const { startTaskMonitor } = await import('../out/engine/launcher/start-task-monitor.js');
  const ticks = Math.ceil(total / PROGRESS_JOBS);
  const dataDir = mkdtempSync(join(tmpdir(), 'task-monitor-bench-progress-'));
  const monitor = await startTaskMonitor({ port: 0, uiDir: null, logLevel: 'silent', dataDir, inMemory, jobs: null });
  monitor.engine.registerKind(sharedWindowKind(gate));
  try {
    return await withChildren(['clients/fanout-clients.mjs'], async (client) => {
      const off = client.on((message) => message.type === 'ack' && gate.ack(message.round));
      try {
        const wsUrl = `${monitor.url.replace('http', 'ws')}/ws?sessionId=${SESSION}`;
        await client.ask({ type: 'open', url: wsUrl, count: 1, prelude: 2 }, 'opened', 30_000);
        gate.reset();
        const done = client.next('done', RUN_TIMEOUT_MS);
        // Every frame counts as a round (acknowledged as received): per task, taskQueued, Running,
        // the ticks and Completed.
        const frames = PROGRESS_JOBS * (ticks + 3);
        await client.ask({ type: 'expect', offset: 0, rounds: frames, trailing: 0 }, 'listening');
        const parameters = { ticks, window: PROGRESS_WINDOW };
        return await recordingCpu(cpuKey, [process.pid, client.proc.pid], ticks * PROGRESS_JOBS, async () => {
          const started = performance.now();
          const outcomes = await Promise.all(Array.from({ length: PROGRESS_JOBS }, (_, i) => monitor.engine.submit({ name: `progress ${i}`, clientId: SESSION, kind: 'bench-shared-window', parameters })));
          const refused = outcomes.find((outcome) => !outcome.ok);
          if (refused) throw new Error(refused.message);
          await done;
          return (ticks * PROGRESS_JOBS) / ((performance.now() - started) / 1000);
        });
      } finally {
        off();
      }
    });
  } finally {
    await monitor.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Ours: section 1's engine run with a fresh SQLite store, at `concurrency`. CPU is counted over the
 * run only, as its rate is (not over creating and removing the database).
 */
async function oursNoopRun(openStore, concurrency, count, cpuKey) {
  const { store, dispose } = openStore();
  try {
    return await recordingCpu(cpuKey, [process.pid], count, () => engineRun(count, store, concurrency));
  } finally {
    await dispose();
  }
}

function skippedRows(reason) {
  return [
    { id: 'bullmq-noop', section: 'BullMQ', measure: 'no-op jobs/s, durable, against BullMQ + Redis (AOF everysec)', skipped: reason },
    { id: 'bullmq-progress', section: 'BullMQ', measure: 'progress events/s seen by another process, against BullMQ QueueEvents', skipped: reason },
  ];
}

/** A diagnostic row: work per CPU-second, medians of the measured runs. */
function cpuRow(id, measure, oursKey, baselineKey, baselineName, unit) {
  const samples = { ours: cpuRates[oursKey], baseline: cpuRates[baselineKey] };
  return { id, section: 'BullMQ', measure, ours: median(samples.ours), baseline: median(samples.baseline), baselineName, unit, samples };
}

async function measure() {
  const openStore = await sqliteStoreFactory();
  if (!openStore) return skippedRows('out/engine/store/sqlite-task-store.js not built');
  const redis = await openBenchRedis();
  const { version: bullmqVersion } = (await import('bullmq/package.json', { with: { type: 'json' } })).default;
  const baselineName = `BullMQ ${bullmqVersion}, Redis ${redis.version} AOF everysec`;
  log(`${baselineName} on 127.0.0.1:${redis.port}`);
  try {
    // Warm-up (JIT, connections, Redis's first allocations) on both sides.
    await bullmqNoopRun(redis, 8, 2000);
    await oursNoopRun(openStore, 8, 5000);
    await bullmqProgressRun(redis, 2000);
    await oursProgressRun(2000);
    await oursProgressRun(2000, { inMemory: true });

    const rows = [];
    for (const concurrency of CONCURRENCIES) {
      const result = await alternate(
        { bullmq: () => bullmqNoopRun(redis, concurrency, JOBS, `bullmq-c${concurrency}`), ours: () => oursNoopRun(openStore, concurrency, JOBS, `ours-c${concurrency}`) },
        ROUNDS,
        `no-op jobs ×${concurrency}`,
      );
      rows.push({
        id: `bullmq-noop-c${concurrency}`,
        section: 'BullMQ',
        measure: `${JOBS.toLocaleString('en-US')} no-op jobs, concurrency ${concurrency}, durable (jobs/s): engine + SQLite vs BullMQ producer (addBulk) + worker processes`,
        ours: result.ours.median,
        baseline: result.bullmq.median,
        baselineName,
        unit: 'jobs/s',
        target: { ratio: TARGET_RATIO },
        samples: result,
      });
      rows.push(cpuRow(`bullmq-noop-c${concurrency}-cpu`, `same, jobs per CPU-second of every process involved (ours: the bench process; BullMQ: producer, worker, redis-server)`, `ours-c${concurrency}`, `bullmq-c${concurrency}`, baselineName, 'jobs/CPU-s'));
    }
    const progress = await alternate(
      {
        bullmq: () => bullmqProgressRun(redis, PROGRESS_EVENTS, 'bullmq-progress'),
        ours: () => oursProgressRun(PROGRESS_EVENTS, { cpuKey: 'ours-progress' }),
        oursInMemory: () => oursProgressRun(PROGRESS_EVENTS, { inMemory: true }),
      },
      ROUNDS,
      'progress events/s',
    );
    const progressMeasure = `${PROGRESS_EVENTS.toLocaleString('en-US')} progress events from ${PROGRESS_JOBS} tasks/jobs at once, seen by another process (events/s)`;
    rows.push({
      id: 'bullmq-progress',
      section: 'BullMQ',
      measure: `${progressMeasure}: WebSocket taskProgress, durable vs updateProgress → QueueEvents`,
      ours: progress.ours.median,
      baseline: progress.bullmq.median,
      baselineName,
      unit: 'events/s',
      samples: progress,
    });
    rows.push({
      id: 'bullmq-progress-memory',
      section: 'BullMQ',
      measure: 'same, our server in memory (splits our cost between the store and the delivery) (events/s)',
      ours: progress.oursInMemory.median,
      baseline: progress.bullmq.median,
      baselineName,
      unit: 'events/s',
    });
    rows.push(cpuRow('bullmq-progress-cpu', 'progress (durable), events per CPU-second of every process involved (ours: server and client; BullMQ: producer, worker, QueueEvents listener, redis-server)', 'ours-progress', 'bullmq-progress', baselineName, 'events/CPU-s'));
    log('every run counted every job and every progress event: a missing one would stall the run until its timeout');
    return rows;
  } finally {
    await redis.stop();
  }
}

if (redisServerAvailable()) {
  emitResult({ rows: await measure() });
} else {
  log('redis-server is not installed (Debian: apt-get install redis-server): the BullMQ comparison is skipped');
  emitResult({ rows: skippedRows('redis-server not installed') });
}
