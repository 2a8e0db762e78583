import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskRecord } from '../engine/task-record.js';
import { SqliteTaskLogStore } from './sqlite-task-log-store.js';
import { SqliteTaskStore } from './sqlite-task-store.js';
import { MemoryTaskLogStore, type TaskLogStore } from './task-log-store.js';
import { setDiskFull } from '../test-support/store-faults.js';

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'task-logs-'));
  dirs.push(dir);
  return join(dir, 'tasks.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function task(id: string): TaskRecord {
  return { id, name: id, kind: 'job', parameters: {}, clientId: 'c', state: 'running', progress: 0, statusText: 'Running', result: null, error: null, createdAt: 1, startedAt: 2, completedAt: null, attempt: 1, maxAttempts: 1, priority: 0, runAt: null };
}

function rows(path: string): Array<{ task_id: string; seq: number; text: string }> {
  const raw = new Database(path);
  try {
    return raw.prepare('SELECT task_id, seq, text FROM task_logs ORDER BY task_id, seq').all() as Array<{ task_id: string; seq: number; text: string }>;
  } finally {
    raw.close();
  }
}

const line = (text: string, stream: 'stdout' | 'stderr' | 'log' = 'stdout') => ({ time: Date.UTC(2026, 11, 2), stream, text });

describe('SqliteTaskLogStore', () => {
  it('keeps lines whose batch a full disk rolled back, and writes them once space returns', async () => {
    const path = tempDb();
    const store = SqliteTaskStore.open(path);
    const logs = new SqliteTaskLogStore(store);
    await store.save(task('t1'));
    setDiskFull(store, true);
    const big = 'x'.repeat(4000);
    for (let i = 1; i <= 20; i++) logs.append('t1', line(`${i} ${big}`));
    const running = { ...task('t1'), progress: 50 };
    const saved = store.save(running); // held while the disk is full, retried until durable
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(store.failure).toMatch(/SQLITE_FULL/);
    expect(rows(path)).toHaveLength(0);
    setDiskFull(store, false);
    await saved;
    expect(rows(path).map((row) => row.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await store.close();
  });

  it('writes log lines in the task store group commit: one transaction with the task state', async () => {
    const path = tempDb();
    const store = SqliteTaskStore.open(path);
    const logs = new SqliteTaskLogStore(store);
    const internals = store as unknown as { writeBatch: (...args: unknown[]) => void };
    const writeBatch = internals.writeBatch;
    let transactions = 0;
    internals.writeBatch = (...args) => {
      transactions++;
      writeBatch(...args);
    };
    const appended = logs.append('t1', line('first'));
    logs.append('t1', { ...line('careful'), stream: 'log', level: 'warn' });
    await store.save(task('t1'));
    expect(transactions).toBe(1);
    expect(appended).toEqual([{ seq: 1, time: '2026-12-02T00:00:00.000Z', stream: 'stdout', text: 'first' }]);
    expect(rows(path).map((row) => [row.task_id, row.seq, row.text])).toEqual([
      ['t1', 1, 'first'],
      ['t1', 2, 'careful'],
    ]);
    expect(logs.read('t1', 0, 10).lines[1]).toEqual({ seq: 2, time: '2026-12-02T00:00:00.000Z', stream: 'log', level: 'warn', text: 'careful' });
    await store.close();
  });

  it('reads lines not yet written (staged for the next batch) too, and pages by seq', async () => {
    const store = SqliteTaskStore.open(tempDb());
    const logs = new SqliteTaskLogStore(store);
    for (let i = 1; i <= 5; i++) logs.append('t', line(`l${i}`));
    await store.save(task('t'));
    for (let i = 6; i <= 7; i++) logs.append('t', line(`l${i}`));
    const page = logs.read('t', 3, 3);
    expect(page).toMatchObject({ taskId: 't', lastSeq: 7, more: true });
    expect(page.lines.map((l) => l.text)).toEqual(['l4', 'l5', 'l6']);
    expect(logs.read('t', 6, 10).lines.map((l) => l.text)).toEqual(['l7']);
    await store.close();
  });

  it('keeps the log after a restart and numbers a later run after it', async () => {
    const path = tempDb();
    const store = SqliteTaskStore.open(path);
    const logs = new SqliteTaskLogStore(store);
    logs.append('t', line('run 1'));
    await store.save(task('t'));
    logs.release('t');
    await store.close();
    const again = SqliteTaskStore.open(path);
    const reopened = new SqliteTaskLogStore(again);
    expect(reopened.read('t', 0, 10)).toMatchObject({ lastSeq: 1, lines: [{ seq: 1, text: 'run 1' }] });
    expect(reopened.append('t', line('run 2'))[0]!.seq).toBe(2);
    await again.close();
  });

  it('deletes a task log with the task', async () => {
    const path = tempDb();
    const store = SqliteTaskStore.open(path);
    const logs = new SqliteTaskLogStore(store);
    logs.append('gone', line('x'));
    logs.append('kept', line('y'));
    await Promise.all([store.save(task('gone')), store.save(task('kept'))]);
    logs.forget(['gone']);
    await store.delete(['gone']);
    expect(rows(path).map((row) => row.task_id)).toEqual(['kept']);
    await store.close();
  });
});

describe.each<[string, (limits: { headBytes: number; tailBytes: number }) => { logs: TaskLogStore; flush: () => Promise<void>; stored: () => number }]>([
  ['MemoryTaskLogStore', (limits) => ({ logs: new MemoryTaskLogStore(limits), flush: async () => undefined, stored: () => -1 })],
  [
    'SqliteTaskLogStore',
    (limits) => {
      const path = tempDb();
      const store = SqliteTaskStore.open(path);
      const logs = new SqliteTaskLogStore(store, limits);
      return { logs, flush: () => store.save(task('big')), stored: () => rows(path).length };
    },
  ],
])('%s bounds a task log', (_name, make) => {
  it('keeps the head and the tail, marks the cut, and numbers lines without reuse', async () => {
    const { logs, flush, stored } = make({ headBytes: 100 * 74, tailBytes: 200 * 74 }); // 100 and 200 lines of 10 chars
    for (let i = 1; i <= 5000; i++) {
      logs.append('big', line(`line ${String(i).padStart(5, '0')}`));
      if (i % 700 === 0) await flush();
    }
    await flush();
    const kept = logs.read('big', 0, 10_000);
    expect(kept.lastSeq).toBe(5001); // 5000 lines and the marker
    const texts = kept.lines.map((l) => l.text);
    expect(texts.slice(0, 100)).toEqual(Array.from({ length: 100 }, (_, i) => `line ${String(i + 1).padStart(5, '0')}`));
    expect(texts[100]).toMatch(/^\[task-monitor\] The log is over its limit/);
    expect(kept.lines[100]).toMatchObject({ seq: 101, stream: 'log', level: 'warn' });
    expect(texts.slice(101)).toEqual(Array.from({ length: 200 }, (_, i) => `line ${String(4801 + i).padStart(5, '0')}`));
    if (stored() !== -1) expect(stored()).toBe(301);
  });
});

describe('MemoryTaskLogStore in total', () => {
  it('drops the logs of the tasks that logged first once all logs together are over the total', () => {
    const logs = new MemoryTaskLogStore({ headBytes: 10_000, tailBytes: 10_000 }, 3 * 74 * 10);
    for (const id of ['a', 'b', 'c', 'd']) for (let i = 0; i < 10; i++) logs.append(id, line(`${id} line ${i}`.padEnd(10)));
    expect(logs.read('a', 0, 100).lines).toEqual([]);
    expect(['b', 'c', 'd'].map((id) => logs.read(id, 0, 100).lines.length)).toEqual([10, 10, 10]);
    logs.forget(['b']);
    logs.append('e', line('e line 0  '));
    expect(logs.read('c', 0, 100).lines).toHaveLength(10);
  });
});
