import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteTaskStore } from '../store/sqlite-task-store.js';
import type { TaskRecord } from './task-record.js';
import { TaskEngine } from './task-engine.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function finished(i: number): TaskRecord {
  return {
    id: `f${String(i).padStart(3, '0')}`, name: `f${i}`, kind: 'demo', parameters: {}, clientId: `c${i % 2}`, state: 'completed', progress: 100,
    statusText: 'Completed', result: null, error: null, createdAt: 1000 + i, startedAt: 1000 + i, completedAt: 1001 + i, attempt: 1, maxAttempts: 1, priority: 0, runAt: null,
  };
}

describe('engine start with more history on disk than it keeps', () => {
  it('recovers only the kept history (the newest historyLimit finished tasks) and deletes nothing itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engine-history-'));
    dirs.push(dir);
    const path = join(dir, 'tasks.db');
    const seeded = SqliteTaskStore.open(path);
    await Promise.all(Array.from({ length: 100 }, (_, i) => seeded.save(finished(i))));
    await seeded.close();

    const store = SqliteTaskStore.open(path, { finishedLimit: 20 });
    const loaded: number[] = [];
    const loadAll = store.loadAll.bind(store);
    store.loadAll = (options) => {
      const tasks = loadAll(options);
      loaded.push(tasks.length);
      return tasks;
    };
    const deletes: string[][] = [];
    const remove = store.delete.bind(store);
    store.delete = (ids) => (deletes.push([...ids]), remove(ids));
    const engine = new TaskEngine({ store, historyLimit: 20 });
    engine.start();
    try {
      expect(loaded).toEqual([20]);
      expect(deletes).toEqual([]);
      const page = engine.list();
      expect(page.total).toBe(20);
      expect(page.items.map((task) => task.id)).toEqual(Array.from({ length: 20 }, (_, i) => finished(99 - i).id));
      expect(engine.list({ clientId: 'c1' }).total).toBe(10);
      // The 80 left out are the store's to prune, in the background.
      while (store.historyPruner!.pruneChunk());
      expect(store.historyPruner!.pruned).toBe(80);
    } finally {
      await engine.stop({ graceMs: 0 });
      await store.close();
    }
  });
});
