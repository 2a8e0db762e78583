import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskRecord } from '../engine/task-record.js';
import { SCHEMA_VERSION } from './migrations.js';
import { SqliteTaskStore, StoreError } from './sqlite-task-store.js';

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'task-store-'));
  dirs.push(dir);
  return join(dir, 'nested', 'tasks.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function task(id: string, overrides: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id,
    name: `task ${id}`,
    kind: 'demo',
    parameters: { duration: 1000, nested: { ok: true } },
    clientId: 'client',
    state: 'queued',
    progress: 0,
    statusText: 'Queued',
    result: null,
    error: null,
    createdAt: 1_700_000_000_000,
    startedAt: null,
    completedAt: null,
    attempt: 1,
    maxAttempts: 1,
    priority: 0,
    runAt: null,
    ...overrides,
  };
}

describe('SqliteTaskStore', () => {
  it('creates its folder and file, and reads back every field of what it saved', async () => {
    const path = tempDb();
    const store = SqliteTaskStore.open(path);
    const saved = task('a', { state: 'failed', progress: 40, statusText: 'Failed', error: 'boom', startedAt: 1, completedAt: 2, attempt: 2, maxAttempts: 3, priority: 5, runAt: 99 });
    await store.save(saved);
    await store.close();
    const reopened = SqliteTaskStore.open(path);
    expect(reopened.loadAll()).toEqual([saved]);
    await reopened.close();
  });

  it('group-commits: saves staged in one turn are written in one transaction and resolve together', async () => {
    const store = SqliteTaskStore.open(tempDb());
    const records = Array.from({ length: 500 }, (_, i) => task(`t${i}`, { createdAt: i }));
    const internals = store as unknown as { writeBatch: (...args: unknown[]) => void };
    const writeBatch = internals.writeBatch;
    let transactions = 0;
    internals.writeBatch = (...args) => {
      transactions++;
      writeBatch(...args);
    };
    const settled: number[] = [];
    await Promise.all(records.map((record, i) => store.save(record).then(() => settled.push(i))));
    expect(transactions).toBe(1);
    expect(settled).toHaveLength(500);
    expect(store.loadAll()).toHaveLength(500);
    await store.close();
  });

  it('writes a task changed several times in one turn once, in its latest state', async () => {
    const store = SqliteTaskStore.open(tempDb());
    const record = task('x');
    const first = store.save(record);
    record.state = 'running';
    record.progress = 30;
    store.saveSoon(record);
    await first;
    expect(store.loadAll()).toEqual([expect.objectContaining({ id: 'x', state: 'running', progress: 30 })]);
    await store.close();
  });

  it('deletes tasks, and a delete wins over a save staged in the same turn', async () => {
    const store = SqliteTaskStore.open(tempDb());
    await store.save(task('keep'));
    await store.save(task('drop'));
    store.saveSoon(task('drop', { progress: 50 }));
    await store.delete(['drop']);
    expect(store.loadAll().map((t) => t.id)).toEqual(['keep']);
    await store.close();
  });

  it('records its schema version, and refuses a database from a newer version with ERR_STORE_SCHEMA', async () => {
    const path = tempDb();
    await SqliteTaskStore.open(path).close();
    const raw = new Database(path);
    expect((raw.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(SCHEMA_VERSION);
    raw.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => SqliteTaskStore.open(path)).toThrow(StoreError);
    try {
      SqliteTaskStore.open(path);
    } catch (error) {
      expect((error as StoreError).code).toBe('ERR_STORE_SCHEMA');
    }
  });

  it('refuses to open a path that cannot hold a database with ERR_STORE_OPEN', () => {
    const dir = mkdtempSync(join(tmpdir(), 'task-store-'));
    dirs.push(dir);
    expect(() => SqliteTaskStore.open(dir)).toThrow(expect.objectContaining({ code: 'ERR_STORE_OPEN' }));
  });

  it('refuses a second process on the same file with ERR_STORE_LOCKED, and frees it at close', async () => {
    const path = tempDb();
    const store = SqliteTaskStore.open(path);
    // Another live process holds the lock: our parent stands in for it.
    writeFileSync(`${path}.lock`, String(process.ppid));
    expect(() => SqliteTaskStore.open(path)).toThrow(expect.objectContaining({ code: 'ERR_STORE_LOCKED' }));
    writeFileSync(`${path}.lock`, String(process.pid));
    await store.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
    await SqliteTaskStore.open(path).close();
  });

  it('rejects saves after close with ERR_STORE_WRITE', async () => {
    const store = SqliteTaskStore.open(tempDb());
    await store.close();
    await expect(store.save(task('late'))).rejects.toMatchObject({ code: 'ERR_STORE_WRITE' });
  });
});
