// One measured run of our engine on no-op tasks, in memory or with the SQLite store in a temp
// folder, for the sections that compare the engine with another queue (bullmq): section 1's run
// (bench/engine.mjs), with the concurrency as a parameter.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskEngine } from '../../out/engine/engine/task-engine.js';
import { noopKind } from './bench-kinds.mjs';
import { benchPath } from './common.mjs';

const FINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * Submits `count` no-op tasks at once and resolves with tasks/s once every one is final (a
 * listener counts the events: at least queued, running and the final state per task).
 * `concurrency` defaults to the engine's default, 8.
 */
export async function engineRun(count, store, concurrency = 8) {
  const engine = new TaskEngine({ concurrency, capacity: count, kinds: [noopKind], ...(store ? { store } : {}) });
  let finished = 0;
  let events = 0;
  let resolveAll;
  const allDone = new Promise((resolve) => (resolveAll = resolve));
  engine.subscribe((event) => {
    events++;
    if (event.type === 'taskUpdated' && event.stateChanged && FINAL.has(event.task.state) && ++finished === count) resolveAll();
  });
  engine.start();
  const started = performance.now();
  const submissions = new Array(count);
  for (let i = 0; i < count; i++) submissions[i] = engine.submit({ name: `noop ${i}`, clientId: `s${i % 100}`, kind: 'bench-noop' });
  const outcomes = await Promise.all(submissions);
  const refused = outcomes.filter((outcome) => !outcome.ok).length;
  if (refused > 0) throw new Error(`${refused} submissions refused: ${JSON.stringify(outcomes.find((o) => !o.ok))}`);
  await allDone;
  const seconds = (performance.now() - started) / 1000;
  await engine.stop({ graceMs: 0 });
  if (events < count * 3) throw new Error(`expected ≥ ${count * 3} events, saw ${events}`);
  return count / seconds;
}

/**
 * A factory of SQLite stores, each in a fresh temp folder, when the build has the store;
 * undefined otherwise. Each call resolves `{ store, dispose() }`.
 */
export async function sqliteStoreFactory() {
  const module = benchPath('../out/engine/store/sqlite-task-store.js');
  if (!existsSync(module)) return undefined;
  const { SqliteTaskStore } = await import(module);
  if (typeof SqliteTaskStore?.open !== 'function') return undefined;
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'task-monitor-bench-'));
    const store = SqliteTaskStore.open(join(dir, 'tasks.db'));
    return {
      store,
      async dispose() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

/** {@link engineRun} with a fresh SQLite store, removed afterwards. */
export async function persistentRun(openStore, count, concurrency = 8) {
  const { store, dispose } = openStore();
  try {
    return await engineRun(count, store, concurrency);
  } finally {
    await dispose();
  }
}
