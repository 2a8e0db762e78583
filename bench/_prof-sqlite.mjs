import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskEngine } from '../out/engine/engine/task-engine.js';
import { SqliteTaskStore } from '../out/engine/store/sqlite-task-store.js';
import { noopKind } from './lib/bench-kinds.mjs';
const FINAL = new Set(['completed', 'failed', 'cancelled']);
async function run(count) {
  const dir = mkdtempSync(join(tmpdir(), 'dp-prof-'));
  const store = SqliteTaskStore.open(join(dir, 'tasks.db'));
  const engine = new TaskEngine({ concurrency: 8, capacity: count, kinds: [noopKind], store });
  let finished = 0; let resolveAll; const allDone = new Promise((r) => (resolveAll = r));
  engine.subscribe((event) => { if (event.type === 'taskUpdated' && event.stateChanged && FINAL.has(event.task.state) && ++finished === count) resolveAll(); });
  engine.start();
  const t = performance.now();
  const subs = new Array(count);
  for (let i = 0; i < count; i++) subs[i] = engine.submit({ name: `noop ${i}`, clientId: `s${i % 100}`, kind: 'bench-noop' });
  await Promise.all(subs); const tSub = performance.now() - t;
  await allDone;
  const ms = performance.now() - t;
  await engine.stop({ graceMs: 0 }); await store.close(); rmSync(dir, { recursive: true, force: true });
  return { rate: Math.round(count / ms * 1000), tSub: Math.round(tSub), ms: Math.round(ms) };
}
const N = Number(process.argv[2] ?? 20000);
await run(10000);
for (let i = 0; i < Number(process.argv[3] ?? 2); i++) console.log(await run(N));
