import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'libsql';
import type { TaskState } from '../protocol/messages.js';
import type { TaskRecord } from '../engine/task-record.js';
import { DataDirLockedError, lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import type { TaskStore } from './task-store.js';

/** A store failure with a stable code; the message says which file and what went wrong. */
export class StoreError extends Error {
  constructor(
    readonly code: 'ERR_STORE_OPEN' | 'ERR_STORE_WRITE' | 'ERR_STORE_SCHEMA' | 'ERR_STORE_LOCKED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

type Row = {
  id: string;
  name: string;
  kind: string;
  parameters: string;
  client_id: string;
  state: TaskState;
  progress: number;
  status_text: string;
  result: string | null;
  error: string | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  attempt: number;
  max_attempts: number;
  priority: number;
  run_at: number | null;
};

const UPSERT = `INSERT INTO tasks (id, name, kind, parameters, client_id, state, progress, status_text, result, error,
                                   created_at, started_at, completed_at, attempt, max_attempts, priority, run_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET state = excluded.state, progress = excluded.progress,
                  status_text = excluded.status_text, result = excluded.result, error = excluded.error,
                  started_at = excluded.started_at, completed_at = excluded.completed_at, attempt = excluded.attempt,
                  priority = excluded.priority, run_at = excluded.run_at`;

/**
 * Tasks in an SQLite file through `libsql` (better-sqlite3's API on N-API binaries, so the same
 * build loads in Node and in Electron).
 *
 * Group commit: every change staged during one turn of the event loop is written in a single
 * transaction at the next `setImmediate`, and all their `save` promises resolve together. A
 * task changed several times in one turn is written once, in its latest state. WAL mode with
 * synchronous=NORMAL survives a killed process (the OS still has the pages); a power cut may
 * lose the last commits, which is the usual trade for desktop and server apps.
 */
export class SqliteTaskStore implements TaskStore {
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly writeBatch: (tasks: Iterable<Readonly<TaskRecord>>, deletes: Iterable<string>) => void;
  private staged = new Map<string, Readonly<TaskRecord>>();
  private deletes = new Set<string>();
  private batch: { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } | undefined;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
    private readonly lock: DataDirLock | undefined,
  ) {
    this.upsert = db.prepare(UPSERT);
    this.remove = db.prepare('DELETE FROM tasks WHERE id = ?');
    this.writeBatch = db.transaction((tasks: Iterable<Readonly<TaskRecord>>, deletes: Iterable<string>) => {
      for (const task of tasks) this.upsert.run(...toRow(task));
      for (const id of deletes) this.remove.run(id);
    });
  }

  /**
   * Opens (creating folders and file as needed), locks and migrates the database at `path`. One
   * process at a time: a second one gets ERR_STORE_LOCKED.
   */
  static open(path: string): SqliteTaskStore {
    let db: Database.Database;
    let lock: DataDirLock | undefined;
    try {
      if (path !== ':memory:') {
        mkdirSync(dirname(path), { recursive: true });
        lock = lockDataDir(`${path}.lock`);
      }
      db = new Database(path);
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    } catch (error) {
      lock?.release();
      if (error instanceof DataDirLockedError) throw new StoreError('ERR_STORE_LOCKED', error.message, { cause: error });
      throw new StoreError('ERR_STORE_OPEN', `Cannot open the task database at ${path}: ${(error as Error).message}`, { cause: error });
    }
    try {
      migrate(db, path);
    } catch (error) {
      db.close();
      lock?.release();
      throw error;
    }
    return new SqliteTaskStore(db, path, lock);
  }

  loadAll(): TaskRecord[] {
    const rows = this.db.prepare('SELECT * FROM tasks ORDER BY created_at, rowid').all() as Row[];
    return rows.map(fromRow);
  }

  save(task: Readonly<TaskRecord>): Promise<void> {
    this.staged.set(task.id, task);
    return this.scheduleBatch();
  }

  saveSoon(task: Readonly<TaskRecord>): void {
    this.staged.set(task.id, task);
    void this.scheduleBatch().catch(() => undefined); // failures surface through save()/close()
  }

  delete(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      this.staged.delete(id);
      this.deletes.add(id);
    }
    return this.scheduleBatch();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.batch) await this.batch.promise.catch(() => undefined);
    this.closed = true;
    this.db.close();
    this.lock?.release();
  }

  private scheduleBatch(): Promise<void> {
    if (this.closed) return Promise.reject(new StoreError('ERR_STORE_WRITE', 'The task database is closed'));
    if (!this.batch) {
      let resolve!: () => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      this.batch = { promise, resolve, reject };
      setImmediate(() => this.flush());
    }
    return this.batch.promise;
  }

  private flush(): void {
    const batch = this.batch!;
    const staged = this.staged;
    const deletes = this.deletes;
    this.batch = undefined;
    this.staged = new Map();
    this.deletes = new Set();
    try {
      this.writeBatch(staged.values(), deletes);
      batch.resolve();
    } catch (error) {
      batch.reject(new StoreError('ERR_STORE_WRITE', `Cannot write to the task database at ${this.path}: ${(error as Error).message}`, { cause: error }));
    }
  }
}

function migrate(db: Database.Database, path: string): void {
  const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  if (version > SCHEMA_VERSION) {
    throw new StoreError('ERR_STORE_SCHEMA', `The task database at ${path} has schema version ${version}, newer than this app understands (${SCHEMA_VERSION}). Upgrade the app or use another --data-dir.`);
  }
  for (let next = version; next < SCHEMA_VERSION; next++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[next]!);
      db.exec(`PRAGMA user_version = ${next + 1}`);
    })();
  }
}

function toRow(task: Readonly<TaskRecord>): unknown[] {
  return [
    task.id,
    task.name,
    task.kind,
    JSON.stringify(task.parameters),
    task.clientId,
    task.state,
    task.progress,
    task.statusText,
    task.result,
    task.error,
    task.createdAt,
    task.startedAt,
    task.completedAt,
    task.attempt,
    task.maxAttempts,
    task.priority,
    task.runAt,
  ];
}

function fromRow(row: Row): TaskRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    parameters: JSON.parse(row.parameters) as Record<string, unknown>,
    clientId: row.client_id,
    state: row.state,
    progress: row.progress,
    statusText: row.status_text,
    result: row.result,
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    priority: row.priority,
    runAt: row.run_at,
  };
}
