// 1. Engine: no-op tasks submitted → completed (with their events), against fastq, in memory and
// with the SQLite store.
import fastq from 'fastq';
import { alternate, emitResult, log, QUICK } from './lib/common.mjs';
import { engineRun, persistentRun, sqliteStoreFactory } from './lib/engine-run.mjs';

const TASKS = QUICK ? 20_000 : 100_000;
const ROUNDS = QUICK ? 2 : 5;
const CONCURRENCY = 8; // the engine's default (engineRun's too)

async function fastqRun(count) {
  const queue = fastq.promise(async () => undefined, CONCURRENCY);
  const started = performance.now();
  const pushes = new Array(count);
  for (let i = 0; i < count; i++) pushes[i] = queue.push(i);
  await Promise.all(pushes);
  return count / ((performance.now() - started) / 1000);
}

// Warm up both sides (JIT) before measuring.
await engineRun(10_000);
await fastqRun(10_000);

const memory = await alternate({ fastq: () => fastqRun(TASKS), engine: () => engineRun(TASKS) }, ROUNDS, 'engine in memory');
const rows = [
  {
    id: 'engine-memory',
    section: 'Engine',
    measure: `${TASKS.toLocaleString('en-US')} no-op tasks, in memory (tasks/s)`,
    ours: memory.engine.median,
    baseline: memory.fastq.median,
    baselineName: 'fastq',
    unit: 'tasks/s',
    target: { ratio: 0.5 },
    samples: memory,
  },
];

const openStore = await sqliteStoreFactory();
if (openStore) {
  await persistentRun(openStore, 10_000);
  const persistent = await alternate({ fastq: () => fastqRun(TASKS), engine: () => persistentRun(openStore, TASKS) }, ROUNDS, 'engine + SQLite');
  rows.push({
    id: 'engine-sqlite',
    section: 'Engine',
    measure: `${TASKS.toLocaleString('en-US')} no-op tasks, SQLite store on (tasks/s)`,
    ours: persistent.engine.median,
    baseline: persistent.fastq.median,
    baselineName: 'fastq',
    unit: 'tasks/s',
    target: { absolute: 50_000 },
    samples: persistent,
  });
} else {
  log('no SQLite store in out/engine/store: the persistent row is skipped');
  rows.push({ id: 'engine-sqlite', section: 'Engine', measure: 'no-op tasks, SQLite store on', skipped: 'out/engine/store/sqlite-task-store.js not built' });
}

emitResult({ rows });
