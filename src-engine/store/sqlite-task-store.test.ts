import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskRecord } from '../engine/task-record.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { SqliteTaskStore, StoreError, TICK_WRITE_MS } from './sqlite-task-store.js';

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

  it('writes a lone progress tick within TICK_WRITE_MS, once, in its latest state', async () => {
    const path = tempDb();
    const store = SqliteTaskStore.open(path);
    const record = task('t', { state: 'running', statusText: 'Running' });
    await store.save(record);
    const commits: number[] = [];
    store.onCommit = (_ms, rows) => commits.push(rows);
    for (let i = 1; i <= 50; i++) {
      record.progress = i;
      store.saveSoon(record);
      await new Promise((resolve) => setImmediate(resolve)); // a tick per turn
    }
    expect(commits).toEqual([]); // no transaction per turn
    await new Promise((resolve) => setTimeout(resolve, TICK_WRITE_MS + 50));
    expect(commits).toEqual([1]);
    const reader = new Database(path);
    expect((reader.prepare('SELECT progress FROM tasks WHERE id = ?').get('t') as { progress: number }).progress).toBe(50);
    reader.close();
    await store.close();
  });

  it('writes a waiting tick with the next state change, and at close', async () => {
    const path = tempDb();
    const store = SqliteTaskStore.open(path);
    const a = task('a', { state: 'running' });
    const b = task('b', { state: 'running' });
    await Promise.all([store.save(a), store.save(b)]);
    a.progress = 40;
    store.saveSoon(a);
    b.state = 'completed';
    await store.save(b); // a state change opens a batch at once; the tick rides along
    expect(store.loadAll().find((t) => t.id === 'a')?.progress).toBe(40);
    a.progress = 70;
    store.saveSoon(a);
    await store.close(); // before its interval: close writes it
    const reopened = SqliteTaskStore.open(path);
    expect(reopened.loadAll().find((t) => t.id === 'a')?.progress).toBe(70);
    await reopened.close();
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

  it('refuses a second opener of the same file with ERR_STORE_LOCKED, and frees it at close', async () => {
    const path = tempDb();
    const store = SqliteTaskStore.open(path);
    expect(() => SqliteTaskStore.open(path)).toThrow(expect.objectContaining({ code: 'ERR_STORE_LOCKED' }));
    await store.close();
    await SqliteTaskStore.open(path).close();
  });

  it('is not blocked by an old-style lock file naming a live process that is no Task Monitor', async () => {
    const path = tempDb();
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.lock`, String(process.ppid)); // after a reboot, pids are reused
    const store = SqliteTaskStore.open(path);
    expect(existsSync(`${path}.lock`)).toBe(false);
    await store.close();
  });

  it('checkpoints at close: the WAL is emptied into tasks.db, which alone then holds every task', async () => {
    const path = tempDb();
    const store = SqliteTaskStore.open(path);
    const tasks = Array.from({ length: 300 }, (_, i) => task(`t${i}`, { createdAt: i, result: 'r'.repeat(500) }));
    await Promise.all(tasks.map((t) => store.save(t)));
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
    await store.close();
    expect(existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0).toBe(0);
    const copy = join(dirname(path), 'copy-alone.db');
    copyFileSync(path, copy); // without its -wal
    const reopened = SqliteTaskStore.open(copy);
    expect(reopened.loadAll()).toEqual(tasks);
    await reopened.close();
  });

  it('rejects saves after close with ERR_STORE_WRITE', async () => {
    const store = SqliteTaskStore.open(tempDb());
    await store.close();
    await expect(store.save(task('late'))).rejects.toMatchObject({ code: 'ERR_STORE_WRITE' });
  });

  it('keeps WAL with synchronous=NORMAL', async () => {
    const path = tempDb();
    const store = SqliteTaskStore.open(path);
    const db = (store as unknown as { db: Database.Database }).db;
    expect(db.prepare('PRAGMA journal_mode').get()).toMatchObject({ journal_mode: 'wal' });
    expect(db.prepare('PRAGMA synchronous').get()).toMatchObject({ synchronous: 1 }); // NORMAL
    await store.close();
  });
});

describe('SqliteTaskStore batches', () => {
  const rowsOf = (path: string) => {
    const raw = new Database(path);
    try {
      return raw.prepare('SELECT id FROM tasks ORDER BY id').all() as { id: string }[];
    } finally {
      raw.close();
    }
  };

  it('writes big mixed batches (new, fresh and not, updated, deleted) in chunks, every field intact', async () => {
    const path = tempDb();
    const store = SqliteTaskStore.open(path);
    // 300 = 128 + 128 + 32 + 8 + 4: every statement size; some are new but already running.
    const records = Array.from({ length: 300 }, (_, i) =>
      task(`t${String(i).padStart(3, '0')}`, {
        createdAt: i,
        priority: i % 7,
        maxAttempts: 1 + (i % 3),
        parameters: { i, text: `ünïcødé ${i}` },
        ...(i % 5 === 0 ? { state: 'running' as const, startedAt: 10 + i, statusText: 'Running', progress: 12.5 } : {}),
      }),
    );
    await Promise.all(records.map((record) => store.save(record)));
    expect(store.loadAll()).toEqual(records);

    // Next batch: 1000 new ones (queued), 250 of the first finish, 50 of them are deleted.
    const more = Array.from({ length: 1000 }, (_, i) => task(`u${String(i).padStart(4, '0')}`, { createdAt: 1000 + i }));
    for (const record of records.slice(0, 250)) {
      Object.assign(record, { state: 'failed', progress: 100 / 3, statusText: 'Failed', error: `boom ${record.id}`, result: null, startedAt: 5, completedAt: 6, attempt: 2, runAt: null });
    }
    records[260]!.runAt = 123; // a retry backoff
    records[260]!.result = 'partial';
    const writes = [...more.map((record) => store.save(record)), ...records.slice(0, 261).map((record) => store.save(record))];
    const gone = records.slice(0, 50).map((record) => record.id);
    writes.push(store.delete(gone));
    await Promise.all(writes);

    const expected = [...records.slice(50), ...more];
    await store.close();
    const reopened = SqliteTaskStore.open(path);
    expect(reopened.loadAll()).toEqual(expected);
    await reopened.close();
  });

  it('writes completed runs through their compact update, mixed with other updates, every field intact', async () => {
    const path = tempDb();
    const store = SqliteTaskStore.open(path);
    // 200 = 64 + 64 + 64 + 8 completed runs (every chunk) among 50 other updates.
    const records = Array.from({ length: 250 }, (_, i) => task(`c${String(i).padStart(3, '0')}`, { createdAt: i, priority: i % 5, maxAttempts: 1 + (i % 4) }));
    await Promise.all(records.map((record) => store.save(record)));
    records.forEach((record, i) => {
      if (i % 5 === 4) Object.assign(record, { state: 'running', progress: 40, statusText: 'Running', startedAt: 100 + i });
      else Object.assign(record, { state: 'completed', progress: 100, statusText: 'Completed', startedAt: 100 + i, completedAt: 200 + i, attempt: 1 + (i % 3), result: i % 2 ? `result ${i}` : null });
    });
    // One completed row vanished behind the store's back: it is written again in full.
    const raw = new Database(path);
    raw.exec("DELETE FROM tasks WHERE id = 'c000'");
    raw.close();
    await Promise.all(records.map((record) => store.save(record)));
    await store.close();
    const reopened = SqliteTaskStore.open(path);
    expect(reopened.loadAll()).toEqual(records);
    await reopened.close();
  });

  it('updates a row it loaded at start, and deletes it', async () => {
    const path = tempDb();
    const first = SqliteTaskStore.open(path);
    await first.save(task('old', { createdAt: 1 }));
    await first.close();

    const store = SqliteTaskStore.open(path);
    const [old] = store.loadAll();
    old!.state = 'completed';
    old!.progress = 100;
    old!.completedAt = 9;
    await store.save(old!);
    await store.close();
    const again = SqliteTaskStore.open(path);
    expect(again.loadAll()).toEqual([old]);
    await again.delete(['old']);
    expect(again.loadAll()).toEqual([]);
    await again.close();
  });

  it('saves over an existing row it never loaded (the insert turns into an update)', async () => {
    const path = tempDb();
    const first = SqliteTaskStore.open(path);
    await first.save(task('x', { state: 'running', statusText: 'first', startedAt: 1 }));
    await first.close();

    const second = SqliteTaskStore.open(path); // no loadAll: it does not know 'x'
    await second.save(task('x')); // fresh
    await second.close();
    const third = SqliteTaskStore.open(path);
    const failed = task('x', { state: 'failed', statusText: 'Failed', error: 'e', startedAt: 3, completedAt: 4, attempt: 2 });
    await third.save(failed); // not fresh
    expect(third.loadAll()).toEqual([failed]);
    await third.close();
  });

  it('writes a row again when it vanished behind its back (an update that finds nothing)', async () => {
    const path = tempDb();
    const store = SqliteTaskStore.open(path);
    const record = task('v', { createdAt: 5 });
    await store.save(record);
    const raw = new Database(path);
    raw.exec("DELETE FROM tasks WHERE id = 'v'");
    raw.close();
    record.state = 'running';
    record.startedAt = 6;
    await Promise.all([store.save(record), store.save(task('w', { createdAt: 6 }))]);
    await store.save(Object.assign(task('w', { createdAt: 6 }), { state: 'completed' as const, completedAt: 7 }));
    expect(store.loadAll()).toEqual([record, expect.objectContaining({ id: 'w', state: 'completed', completedAt: 7 })]);
    await store.close();
  });

  it('rolls a failed batch back whole, and inserts its tasks on their next save', async () => {
    const path = tempDb();
    const store = SqliteTaskStore.open(path);
    const good = task('good', { createdAt: 1 });
    const bad = task('bad', { createdAt: 2, parameters: { size: 1n } }); // JSON.stringify throws
    const outcomes = await Promise.allSettled([store.save(good), store.save(bad)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_STORE_WRITE' });
    expect(store.loadAll()).toEqual([]);
    expect((store as unknown as { stored: Set<string> }).stored.size).toBe(0);

    good.state = 'running';
    await Promise.all([store.save(good), store.save(task('bad', { createdAt: 2 }))]);
    expect(store.loadAll()).toEqual([good, task('bad', { createdAt: 2 })]);
    await store.close();
  });

  it('opens a database made by schema version 1 (random v4 ids, tasks_by_client index), migrates it and works on its rows', async () => {
    const path = tempDb();
    const v1 = [
      task('1b4e28ba-2fa1-41d2-883f-0016d3cca427', { createdAt: 10, state: 'completed', progress: 100, statusText: 'Completed', result: 'ok', startedAt: 11, completedAt: 12 }),
      task('9f2c1e4a-7b3d-4c5e-8f6a-1b2c3d4e5f60', { createdAt: 20, priority: 3, maxAttempts: 2 }),
      task('05d3a1c2-9e8f-4a7b-b6c5-d4e3f2a1b0c9', { createdAt: 30, state: 'running', startedAt: 31, progress: 40, statusText: 'Step 4/10' }),
    ];
    // What version 1 of this store wrote: migration 1 only, user_version 1, the same column values.
    mkdirSync(dirname(path), { recursive: true });
    const raw = new Database(path);
    raw.exec('PRAGMA journal_mode = WAL');
    raw.exec(MIGRATIONS[0]!);
    raw.exec('PRAGMA user_version = 1');
    const insert = raw.prepare('INSERT INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const t of v1) {
      insert.run([t.id, t.name, t.kind, JSON.stringify(t.parameters), t.clientId, t.state, t.progress, t.statusText, t.result, t.error, t.createdAt, t.startedAt, t.completedAt, t.attempt, t.maxAttempts, t.priority, t.runAt]);
    }
    raw.close();

    const store = SqliteTaskStore.open(path);
    expect(store.loadAll()).toEqual(v1);
    const queued = v1[1]!;
    queued.state = 'completed';
    queued.completedAt = 25;
    await Promise.all([store.save(queued), store.delete([v1[0]!.id]), store.save(task('new', { createdAt: 40 }))]);
    await store.close();

    const check = new Database(path);
    expect((check.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(SCHEMA_VERSION);
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'tasks_by_client'").all()).toEqual([]);
    check.close();
    const reopened = SqliteTaskStore.open(path);
    expect(reopened.loadAll()).toEqual([queued, v1[2], task('new', { createdAt: 40 })]);
    await reopened.close();
  });
});
