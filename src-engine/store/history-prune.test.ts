import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskRecord } from '../engine/task-record.js';
import { SqliteTaskStore } from './sqlite-task-store.js';

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'history-prune-'));
  dirs.push(dir);
  return join(dir, 'tasks.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function task(id: string, createdAt: number, state: TaskRecord['state']): TaskRecord {
  const final = state === 'completed' || state === 'failed' || state === 'cancelled';
  return {
    id, name: id, kind: 'demo', parameters: {}, clientId: 'c', state, progress: 0, statusText: state,
    result: null, error: null, createdAt, startedAt: null, completedAt: final ? createdAt + 1 : null,
    attempt: 1, maxAttempts: 1, priority: 0, runAt: null,
  };
}

/** 40 finished tasks (f00 oldest ... f39), one queued among the oldest and one running, each with a log line. */
async function seed(path: string): Promise<TaskRecord[]> {
  const tasks = [task('q-old', 0, 'queued'), ...Array.from({ length: 40 }, (_, i) => task(`f${String(i).padStart(2, '0')}`, 10 + i, i % 3 === 0 ? 'failed' : 'completed')), task('r', 100, 'running')];
  const store = SqliteTaskStore.open(path);
  await Promise.all(tasks.map((record) => store.save(record)));
  const insertLog = store.connection.prepare(`INSERT INTO task_logs (task_id, seq, time, stream, level, text) VALUES (?, 1, 0, 'stdout', NULL, 'line')`);
  for (const record of tasks) insertLog.run(record.id);
  await store.close();
  return tasks;
}

function rows(path: string, table: 'tasks' | 'task_logs'): string[] {
  const db = new Database(path);
  try {
    const column = table === 'tasks' ? 'id' : 'task_id';
    return (db.prepare(`SELECT ${column} AS id FROM ${table} ORDER BY ${column}`).all() as { id: string }[]).map((row) => row.id);
  } finally {
    db.close();
  }
}

const kept = ['q-old', ...Array.from({ length: 10 }, (_, i) => `f${30 + i}`), 'r'];

describe('loading only the kept history', () => {
  it('reads every unfinished task and only the newest finishedLimit finished ones, in creation order', async () => {
    const path = tempDb();
    await seed(path);
    const store = SqliteTaskStore.open(path, { finishedLimit: 10 });
    expect(store.loadAll({ finishedLimit: 10 }).map((record) => record.id)).toEqual(kept);
    await store.close();
  });

  it('loads everything without a limit, and when the file holds no more finished tasks than the limit', async () => {
    const path = tempDb();
    const all = await seed(path);
    const store = SqliteTaskStore.open(path);
    expect(store.loadAll()).toEqual(all);
    expect(store.loadAll({ finishedLimit: 40 })).toEqual(all);
    expect(store.historyPruner).toBeUndefined();
    await store.close();
  });

  it('prunes the finished rows it left out, with their log lines, in the background', async () => {
    const path = tempDb();
    await seed(path);
    const store = SqliteTaskStore.open(path, { finishedLimit: 10 });
    store.loadAll({ finishedLimit: 10 });
    expect(rows(path, 'tasks')).toHaveLength(42); // nothing deleted at load: the start does not pay for it
    store.historyPruner!.stop();
    while (store.historyPruner!.pruneChunk());
    expect(rows(path, 'tasks')).toEqual([...kept].sort());
    expect(rows(path, 'task_logs')).toEqual([...kept].sort());
    expect(store.historyPruner!.pruned).toBe(30);
    await store.close();
    const reopened = SqliteTaskStore.open(path);
    expect(reopened.loadAll().map((record) => record.id)).toEqual(kept);
    await reopened.close();
  });

  it('runs on its own after the load and reports when done', async () => {
    const path = tempDb();
    await seed(path);
    const store = SqliteTaskStore.open(path, { finishedLimit: 10 });
    const done = new Promise<void>((resolve) => (store.onPruned = resolve));
    store.loadAll({ finishedLimit: 10 });
    await done;
    expect(rows(path, 'tasks')).toEqual([...kept].sort());
    await store.close();
  }, 10_000);

  it('never prunes a row written since the load, even one older than the cutoff', async () => {
    const path = tempDb();
    const [oldQueued] = await seed(path);
    const store = SqliteTaskStore.open(path, { finishedLimit: 10 });
    store.loadAll({ finishedLimit: 10 });
    store.historyPruner!.stop();
    const late = task('late-but-old', 5, 'completed'); // a clock that stepped back: older than the kept history
    await store.save(late);
    // The oldest row of all, finished only now: below the cutoff, but the store holds it.
    await store.save({ ...oldQueued!, state: 'completed', completedAt: 200 });
    while (store.historyPruner!.pruneChunk());
    expect(rows(path, 'tasks')).toContain('late-but-old');
    expect(rows(path, 'tasks')).toContain('q-old');
    expect(rows(path, 'tasks')).toHaveLength(kept.length + 1);
    await store.close();
  });

  it('stops at close: what is left is pruned at the next start', async () => {
    const path = tempDb();
    await seed(path);
    const store = SqliteTaskStore.open(path, { finishedLimit: 10 });
    store.loadAll({ finishedLimit: 10 });
    await store.close();
    expect(rows(path, 'tasks')).toHaveLength(42);
    const reopened = SqliteTaskStore.open(path, { finishedLimit: 10 });
    expect(reopened.loadAll({ finishedLimit: 10 }).map((record) => record.id)).toEqual(kept);
    while (reopened.historyPruner!.pruneChunk());
    await reopened.close();
    expect(rows(path, 'tasks')).toEqual([...kept].sort());
  });
});
