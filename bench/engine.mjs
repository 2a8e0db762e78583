// 1. Engine: no-op tasks submitted → completed (with their events), against fastq, in memory and
// with the SQLite store.
import fastq from 'fastq';
import { TaskEngine } from '../out/engine/engine/task-engine.js';
import { noopKind } from './lib/bench-kinds.mjs';
import { engineRun, persistentRun, sqliteStoreFactory } from './lib/engine-run.mjs';
import { alternate, emitResult, log, QUICK } from './lib/common.mjs';

const TASKS = QUICK ? 20_000 : 100_000;
const ROUNDS = QUICK ? 2 : 5;
const CONCURRENCY = 8; // the engine's default

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
    target: { ratio: 0.2 },
    samples: persistent,
  });
} else {
  log('no SQLite store in out/engine/store: the persistent row is skipped');
  rows.push({ id: 'engine-sqlite', section: 'Engine', measure: 'no-op tasks, SQLite store on', skipped: 'out/engine/store/sqlite-task-store.js not built' });
}

/**
 * An engine holding `held` finished tasks of 100 busy sessions; answers µs per list of a session
 * that has none (GET /api/tasks and the WebSocket snapshot of a new session), over many calls.
 */
async function heldEngine(held) {
  const engine = new TaskEngine({ concurrency: CONCURRENCY, capacity: held, historyLimit: held, kinds: [noopKind] });
  engine.start();
  const submissions = new Array(held);
  for (let i = 0; i < held; i++) submissions[i] = engine.submit({ name: `held ${i}`, clientId: `busy${i % 100}`, kind: 'bench-noop' });
  await Promise.all(submissions);
  while (engine.counts().completed < held) await new Promise((resolve) => setTimeout(resolve, 5));
  const first = performance.now();
  engine.list({ clientId: 'empty' });
  const firstUs = (performance.now() - first) * 1000;
  return {
    firstUs,
    listUs() {
      const calls = 20_000;
      const started = performance.now();
      for (let i = 0; i < calls; i++) if (engine.list({ clientId: 'empty' }).total !== 0) throw new Error('the empty session has tasks');
      return ((performance.now() - started) * 1000) / calls;
    },
    stop: () => engine.stop({ graceMs: 0 }),
  };
}

const FEW_HELD = 1_000;
const MANY_HELD = 50_000;
const few = await heldEngine(FEW_HELD);
const many = await heldEngine(MANY_HELD);
try {
  log(`  first list of the empty session (builds its index by one scan): ${few.firstUs.toFixed(0)} µs at ${FEW_HELD}, ${many.firstUs.toFixed(0)} µs at ${MANY_HELD} held`);
  // Warm-up, alternating as measured: both engines share `list`'s code, and a best round taken
  // before its last tier change was not comparable (one run: first rounds 0.24 and 0.57 µs, every
  // later one ~0.77 on both sides).
  for (let i = 0; i < 3; i++) {
    few.listUs();
    many.listUs();
  }
  const lists = await alternate({ few: async () => few.listUs(), many: async () => many.listUs() }, 5, 'list of an empty session (µs)');
  rows.push({
    id: 'engine-list-empty-session',
    section: 'Engine',
    // Best of 5: a sub-µs call is what preemption on a shared machine distorts most (medians moved 0.9-1.3× between runs at load ~20).
    measure: `list of an empty session with ${MANY_HELD.toLocaleString('en-US')} tasks held vs ${FEW_HELD.toLocaleString('en-US')} (µs per list, best of 5 × 20,000)`,
    ours: Math.min(...lists.many.samples),
    baseline: Math.min(...lists.few.samples),
    baselineName: `${FEW_HELD.toLocaleString('en-US')} held`,
    unit: 'µs',
    lowerIsBetter: true,
    target: { maxRatio: 1.1 },
    samples: lists,
    detail: { firstListUs: { few: few.firstUs, many: many.firstUs } },
  });
} finally {
  await few.stop();
  await many.stop();
}

emitResult({ rows });
