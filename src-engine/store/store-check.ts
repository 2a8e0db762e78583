import { statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type Database from 'libsql';
import { describeStoreError, StoreError } from './store-error.js';

/** Problems quoted from `PRAGMA quick_check` in the message, at most. */
const QUOTED_PROBLEMS = 3;

/** Refuses a database path that is a folder, before SQLite says only `ConnectionFailed(… 14)`. */
export function assertDatabaseFile(path: string): void {
  let isFolder = false;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    return; // absent: SQLite creates it
  }
  if (isFolder) {
    throw new StoreError('ERR_STORE_OPEN', `${path} is a folder, not a database file. Move it aside (or remove it if it is empty), or choose another --data-dir.`);
  }
}

/**
 * `PRAGMA quick_check` (every page and record is readable and well formed; ~80 ms for 50,000
 * tasks, see docs/durability.md) before anything writes to the file: a damaged database is
 * refused untouched, with what is wrong and what to do, instead of half-starting a server.
 */
export function checkIntegrity(db: Database.Database, path: string): void {
  let problems: string[];
  try {
    problems = (db.prepare('PRAGMA quick_check').all() as { quick_check: string }[]).map((row) => row.quick_check);
  } catch (error) {
    throw damaged(path, describeStoreError(error), error);
  }
  if (problems.length === 1 && problems[0] === 'ok') return;
  const quoted = problems.slice(0, QUOTED_PROBLEMS).join('; ');
  throw damaged(path, `the file is damaged (PRAGMA quick_check: ${quoted}${problems.length > QUOTED_PROBLEMS ? ` (and ${problems.length - QUOTED_PROBLEMS} more problems` : ''})`);
}

/** The refusal of a damaged database: names the file, what is wrong, and the way out. */
export function damaged(path: string, what: string, cause?: unknown): StoreError {
  const dir = dirname(path);
  return new StoreError(
    'ERR_STORE_DAMAGED',
    `The task database ${path} cannot be used: ${what}. It was left untouched. ` +
      `To salvage every readable task into a new ${basename(path)} (the damaged file is kept aside as ${basename(path)}.damaged-<time>), stop here and run: ` +
      `task-monitor recover --data-dir "${dir}". Or restore a backup (task-monitor backup), or start with another --data-dir.`,
    cause === undefined ? undefined : { cause },
  );
}

/** An open failure (not a lock, not damage) as a message naming the file and the cause. */
export function openFailure(path: string, error: unknown): StoreError {
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') return damaged(path, describeStoreError(error), error);
  return new StoreError('ERR_STORE_OPEN', `Cannot open the task database at ${path}: ${describeStoreError(error)}`, { cause: error });
}
