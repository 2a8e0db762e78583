import { createHash } from 'node:crypto';
import { openSync, closeSync, readFileSync, statSync, truncateSync, writeSync } from 'node:fs';
import type Database from 'libsql';
import type { TaskRecord } from '../engine/task-record.js';
import { SqliteTaskStore } from '../store/sqlite-task-store.js';

/** A finished task as the engine stores it, padded so that a few hundred of them span many pages. */
export function finishedTask(i: number, clientId = 'faults'): TaskRecord {
  const at = 1_700_000_000_000 + i;
  return {
    id: `task-${String(i).padStart(6, '0')}`,
    name: `Stored task ${i}`,
    kind: 'demo',
    parameters: { duration: 1000 },
    clientId,
    state: 'completed',
    progress: 100,
    statusText: 'Completed',
    result: `Task completed successfully after 1000ms ${'.'.repeat(200)}`,
    error: null,
    createdAt: at,
    startedAt: at,
    completedAt: at,
    attempt: 1,
    maxAttempts: 1,
    priority: 0,
    runAt: null,
  };
}

/** Writes `count` finished tasks through the real store and closes it cleanly. */
export async function writeRealDatabase(path: string, count: number): Promise<TaskRecord[]> {
  const store = SqliteTaskStore.open(path);
  store.loadAll();
  const tasks = Array.from({ length: count }, (_, i) => finishedTask(i));
  await Promise.all(tasks.map((task) => store.save(task)));
  await store.close();
  return tasks;
}

/** The ways a database file is damaged in the tests (issue #11, item 2). */
export type Damage = 'zeroed-pages' | 'header' | 'truncated';

/** Damages a closed database file in place. */
export function damage(path: string, how: Damage): void {
  const size = statSync(path).size;
  const pageSize = readFileSync(path).readUInt16BE(16) || 65536;
  if (how === 'truncated') return truncateSync(path, Math.floor(size / pageSize / 2) * pageSize + 100);
  const fd = openSync(path, 'r+');
  try {
    if (how === 'header') writeSync(fd, Buffer.from('Not a database!!'), 0, 16, 0); // the magic string
    else {
      const middle = Math.floor(size / pageSize / 2);
      writeSync(fd, Buffer.alloc(pageSize * 2), 0, pageSize * 2, middle * pageSize); // two pages in the middle
    }
  } finally {
    closeSync(fd);
  }
}

/** SHA-256 of a file: proves a refused database was left untouched. */
export function fileHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Makes the store's database "full" (SQLite answers SQLITE_FULL, exactly as on a full disk) once
 * it would grow past its current size, or lifts that limit again (`full` false): a full disk on
 * demand, through `PRAGMA max_page_count` on the store's own connection.
 */
export function setDiskFull(store: SqliteTaskStore, full: boolean): void {
  const db = (store as unknown as { db: Database.Database }).db;
  if (!full) return void db.exec('PRAGMA max_page_count = 4294967294');
  const pages = (db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
  db.exec(`PRAGMA max_page_count = ${pages}`);
}
