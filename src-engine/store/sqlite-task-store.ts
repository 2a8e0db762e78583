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

/**
 * WAL with synchronous=NORMAL: a commit is durable against a killed process at once (docs/durability.md).
 * `wal_autocheckpoint` 4000 pages (16 MiB, SQLite's default is 1000): the rows of a task are written
 * three times within seconds (insert, final state, delete once the history is full), so a longer
 * interval copies each page to the database file once instead of up to three times: 9.1 → 8.6 µs
 * per task over 500,000 tasks, and one checkpoint instead of three in the bench's 100,000-task run.
 * `journal_size_limit` gives the disk back after a burst has grown the WAL past 64 MiB.
 */
const PRAGMAS = `PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;
                 PRAGMA wal_autocheckpoint = 4000; PRAGMA journal_size_limit = 67108864;`;

const COLUMNS = `id, name, kind, parameters, client_id, state, progress, status_text, result, error,
                 created_at, started_at, completed_at, attempt, max_attempts, priority, run_at`;
const INSERT_WIDTH = 17;
/** What a save may change after the insert (`name`, `parameters`, ... never change). */
const MUTABLE = ['state', 'progress', 'status_text', 'result', 'error', 'started_at', 'completed_at', 'attempt', 'max_attempts', 'priority', 'run_at'];
const UPDATE_WIDTH = 1 + MUTABLE.length;
const ON_CONFLICT = `ON CONFLICT (id) DO UPDATE SET ${MUTABLE.map((column) => `${column} = excluded.${column}`).join(', ')}`;

/**
 * A task as `submit` makes it (queued, first attempt, nothing run yet), i.e. most inserts: its
 * constant columns are literals in the statement, so 8 values are bound instead of 17.
 */
const FRESH_ROW = `(?, ?, ?, ?, ?, 'queued', 0, 'Queued', NULL, NULL, ?, NULL, NULL, 1, ?, ?, NULL)`;
const FRESH_WIDTH = 8;
function isFresh(task: Readonly<TaskRecord>): boolean {
  return (
    task.state === 'queued' &&
    task.progress === 0 &&
    task.statusText === 'Queued' &&
    task.result === null &&
    task.error === null &&
    task.startedAt === null &&
    task.completedAt === null &&
    task.attempt === 1 &&
    task.runAt === null
  );
}

/** Rows (ids for deletes) per statement, at most. */
const MAX_INSERT_ROWS = 128;
const MAX_UPDATE_ROWS = 64;
const MAX_DELETE_IDS = 512;

/** `count` groups of `width` placeholders: `(?, ?), (?, ?)`; bare `?, ?` for a width of 1. */
function placeholders(count: number, width: number): string {
  const group = width === 1 ? '?' : `(${Array(width).fill('?').join(', ')})`;
  return Array(count).fill(group).join(', ');
}

/**
 * Statements of one shape for 1, 2, 4, ... `max` rows, prepared on first use. A batch of n rows
 * runs as the chunks of n's binary decomposition past the largest: at most log2(max) + n / max
 * statements, all reused.
 */
class ChunkedStatement {
  private readonly bySize = new Map<number, Database.Statement>();
  constructor(
    private readonly db: Database.Database,
    readonly max: number,
    private readonly sql: (rows: number) => string,
  ) {}

  /** Calls `run(start, rows, statement)` for consecutive chunks covering `count` rows. */
  forEachChunk(count: number, run: (start: number, rows: number, statement: Database.Statement) => void): void {
    let start = 0;
    while (start < count) {
      let rows = this.max;
      while (rows > count - start) rows >>>= 1;
      let statement = this.bySize.get(rows);
      if (!statement) this.bySize.set(rows, (statement = this.db.prepare(this.sql(rows))));
      run(start, rows, statement);
      start += rows;
    }
  }
}

/**
 * Tasks in an SQLite file through `libsql` (better-sqlite3's API on N-API binaries, so the same
 * build loads in Node and in Electron).
 *
 * Group commit: every change staged during one turn of the event loop is written in a single
 * transaction at the next `setImmediate`, and all their `save` promises resolve together. A
 * task changed several times in one turn is written once, in its latest state. WAL mode with
 * synchronous=NORMAL survives a killed process (the OS still has the pages); a power cut may
 * lose the last commits, which is the usual trade for desktop and server apps.
 *
 * Inside a batch (most of the cost is libsql's per-call and per-value binding, ~1.3 µs per call
 * and 0.1-0.2 µs per value, so fewer calls and fewer values is what counts):
 * - a task whose row this store wrote or loaded (`stored`) is an `UPDATE` of the columns that can
 *   change, by id, many rows per statement; `parameters` is serialised only for the insert;
 * - other tasks are a multi-row `INSERT`; its `ON CONFLICT` clause turns it into an update for a
 *   row that exists after all (a store whose `loadAll` was not called);
 * - deletes are `DELETE ... WHERE id IN (...)`, many ids per statement.
 * An `UPDATE` that finds fewer rows than it was given (a row gone behind our back) writes that
 * chunk again as full upserts, so no save is lost to a stale `stored`.
 */
export class SqliteTaskStore implements TaskStore {
  private readonly inserts: ChunkedStatement;
  private readonly freshInserts: ChunkedStatement;
  private readonly updates: ChunkedStatement;
  private readonly removes: ChunkedStatement;
  private readonly writeBatch: (inserts: readonly Readonly<TaskRecord>[], updates: readonly Readonly<TaskRecord>[], deletes: readonly string[]) => void;
  /** Ids of the rows in the file, as far as this store knows: committed inserts and loaded rows, less deletes. */
  private readonly stored = new Set<string>();
  private staged = new Map<string, Readonly<TaskRecord>>();
  private deletes = new Set<string>();
  private batch: { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } | undefined;
  private closed = false;
  /**
   * Hears each committed batch: how long the transaction took (ms) and how many rows it wrote
   * (metrics). Timed only when set: two clock reads per batch, not per task.
   */
  onCommit: ((ms: number, rows: number) => void) | undefined;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
    private readonly lock: DataDirLock | undefined,
  ) {
    this.inserts = new ChunkedStatement(db, MAX_INSERT_ROWS, (rows) => `INSERT INTO tasks (${COLUMNS}) VALUES ${placeholders(rows, INSERT_WIDTH)} ${ON_CONFLICT}`);
    this.freshInserts = new ChunkedStatement(db, MAX_INSERT_ROWS, (rows) => `INSERT INTO tasks (${COLUMNS}) VALUES ${Array(rows).fill(FRESH_ROW).join(', ')} ${ON_CONFLICT}`);
    this.updates = new ChunkedStatement(
      db,
      MAX_UPDATE_ROWS,
      (rows) =>
        `WITH changed (id, ${MUTABLE.join(', ')}) AS (VALUES ${placeholders(rows, UPDATE_WIDTH)})
         UPDATE tasks SET ${MUTABLE.map((column) => `${column} = changed.${column}`).join(', ')}
         FROM changed WHERE tasks.id = changed.id`,
    );
    this.removes = new ChunkedStatement(db, MAX_DELETE_IDS, (ids) => `DELETE FROM tasks WHERE id IN (${placeholders(ids, 1)})`);
    this.writeBatch = db.transaction((inserts: readonly Readonly<TaskRecord>[], updates: readonly Readonly<TaskRecord>[], deletes: readonly string[]) => {
      this.writeInserts(inserts);
      this.writeUpdates(updates);
      this.writeDeletes(deletes);
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
      db.exec(PRAGMAS);
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

  /** The open database, for features that keep their own tables in the same file (metrics rollups). */
  get database(): Database.Database {
    return this.db;
  }

  loadAll(): TaskRecord[] {
    const rows = this.db.prepare('SELECT * FROM tasks ORDER BY created_at, rowid').all() as Row[];
    for (const row of rows) this.stored.add(row.id);
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
    const inserts: Readonly<TaskRecord>[] = [];
    const updates: Readonly<TaskRecord>[] = [];
    for (const task of staged.values()) (this.stored.has(task.id) ? updates : inserts).push(task);
    try {
      const started = this.onCommit ? performance.now() : 0;
      this.writeBatch(inserts, updates, [...deletes]);
      this.onCommit?.(performance.now() - started, inserts.length + updates.length + deletes.size);
      // Committed: only now do these rows exist (a rolled-back batch leaves `stored` as it was).
      for (const task of inserts) this.stored.add(task.id);
      for (const id of deletes) this.stored.delete(id);
      batch.resolve();
    } catch (error) {
      batch.reject(new StoreError('ERR_STORE_WRITE', `Cannot write to the task database at ${this.path}: ${(error as Error).message}`, { cause: error }));
    }
  }

  private writeInserts(tasks: readonly Readonly<TaskRecord>[]): void {
    const fresh: Readonly<TaskRecord>[] = [];
    const others: Readonly<TaskRecord>[] = [];
    for (const task of tasks) (isFresh(task) ? fresh : others).push(task);
    this.freshInserts.forEachChunk(fresh.length, (start, rows, statement) => {
      const values = new Array<unknown>(rows * FRESH_WIDTH);
      let v = 0;
      for (let i = start; i < start + rows; i++) {
        const task = fresh[i]!;
        values[v++] = task.id;
        values[v++] = task.name;
        values[v++] = task.kind;
        values[v++] = JSON.stringify(task.parameters);
        values[v++] = task.clientId;
        values[v++] = task.createdAt;
        values[v++] = task.maxAttempts;
        values[v++] = task.priority;
      }
      statement.run(values);
    });
    this.writeFullInserts(others);
  }

  private writeFullInserts(tasks: readonly Readonly<TaskRecord>[]): void {
    this.inserts.forEachChunk(tasks.length, (start, rows, statement) => {
      const values = new Array<unknown>(rows * INSERT_WIDTH);
      let v = 0;
      for (let i = start; i < start + rows; i++) {
        const task = tasks[i]!;
        values[v++] = task.id;
        values[v++] = task.name;
        values[v++] = task.kind;
        values[v++] = JSON.stringify(task.parameters);
        values[v++] = task.clientId;
        values[v++] = task.state;
        values[v++] = task.progress;
        values[v++] = task.statusText;
        values[v++] = task.result;
        values[v++] = task.error;
        values[v++] = task.createdAt;
        values[v++] = task.startedAt;
        values[v++] = task.completedAt;
        values[v++] = task.attempt;
        values[v++] = task.maxAttempts;
        values[v++] = task.priority;
        values[v++] = task.runAt;
      }
      statement.run(values);
    });
  }

  private writeUpdates(tasks: readonly Readonly<TaskRecord>[]): void {
    this.updates.forEachChunk(tasks.length, (start, rows, statement) => {
      const values = new Array<unknown>(rows * UPDATE_WIDTH);
      let v = 0;
      for (let i = start; i < start + rows; i++) {
        const task = tasks[i]!;
        values[v++] = task.id;
        values[v++] = task.state;
        values[v++] = task.progress;
        values[v++] = task.statusText;
        values[v++] = task.result;
        values[v++] = task.error;
        values[v++] = task.startedAt;
        values[v++] = task.completedAt;
        values[v++] = task.attempt;
        values[v++] = task.maxAttempts;
        values[v++] = task.priority;
        values[v++] = task.runAt;
      }
      const { changes } = statement.run(values) as { changes: number };
      // A row we thought was there is not: write the chunk again in full (upserts are idempotent).
      if (changes !== rows) this.writeFullInserts(tasks.slice(start, start + rows));
    });
  }

  private writeDeletes(ids: readonly string[]): void {
    this.removes.forEachChunk(ids.length, (start, count, statement) => statement.run(ids.slice(start, start + count)));
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
