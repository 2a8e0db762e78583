import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'libsql';
import type { TaskState } from '../protocol/messages.js';
import type { TaskRecord } from '../engine/task-record.js';
import { DataDirLockedError, lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { assertDatabaseFile, checkIntegrity, damaged, openFailure } from './store-check.js';
import { describeStoreError, StoreError } from './store-error.js';
import { findHistoryCutoff, FINAL_STATES_SQL, HistoryPruner, type HistoryCutoff } from './history-prune.js';
import type { LoadOptions, TaskStore } from './task-store.js';
import { WriteHealth } from './write-health.js';

export { StoreError } from './store-error.js';

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
  schedule_id: string | null;
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
                 created_at, started_at, completed_at, attempt, max_attempts, priority, run_at, schedule_id`;
const INSERT_WIDTH = 18;
/** What a save may change after the insert (`name`, `parameters`, ... never change). */
const MUTABLE = ['state', 'progress', 'status_text', 'result', 'error', 'started_at', 'completed_at', 'attempt', 'max_attempts', 'priority', 'run_at'];
const UPDATE_WIDTH = 1 + MUTABLE.length;
const ON_CONFLICT = `ON CONFLICT (id) DO UPDATE SET ${MUTABLE.map((column) => `${column} = excluded.${column}`).join(', ')}`;

/**
 * A task as `submit` makes it (queued, first attempt, nothing run yet), i.e. most inserts: its
 * constant columns are literals in the statement, so 8 values are bound instead of 17.
 */
const FRESH_ROW = `(?, ?, ?, ?, ?, 'queued', 0, 'Queued', NULL, NULL, ?, NULL, NULL, 1, ?, ?, NULL, NULL)`;
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
    task.runAt === null &&
    !task.scheduleId
  );
}

/**
 * A task that ran to completion (most updates): its constant columns are literals, so 7 values
 * are bound instead of 12, and one string (the id) instead of three.
 */
const COMPLETED_COLUMNS = ['result', 'started_at', 'completed_at', 'attempt', 'max_attempts', 'priority'];
const COMPLETED_WIDTH = 1 + COMPLETED_COLUMNS.length;
function isCompletedRun(task: Readonly<TaskRecord>): boolean {
  return task.state === 'completed' && task.progress === 100 && task.statusText === 'Completed' && task.error === null && task.runAt === null;
}

/**
 * Whether a failing store can write again, when it holds nothing to try with: a row that needs
 * new pages (as a full disk refuses), removed in the same transaction, so nobody ever sees it.
 */
const PROBE = `INSERT INTO tasks (id, name, kind, parameters, client_id, state, progress, status_text, created_at, attempt)
               VALUES ('~probe', zeroblob(16384), '', '', '', 'queued', 0, '', 0, 1);
               DELETE FROM tasks WHERE id = '~probe';`;

/** A batch's promise: `promise` settles when the batch is durable (or given up). */
type Pending = { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void };
function pending(): Pending {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined); // joined by saveSoon alone, a rejection is nobody's to handle
  return { promise, resolve, reject };
}

/**
 * Longest a progress tick waits for a batch to join before it opens one (see `saveSoon`). A
 * second, as for a flooding log's tail: a crash loses at most that much progress, and progress is
 * all it can lose (a task running at a crash is run again or failed at the next start anyway).
 */
export const TICK_WRITE_MS = 1000;

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
/** Options of {@link SqliteTaskStore.open}. */
export interface SqliteTaskStoreOptions {
  /**
   * Finished tasks the first {@link SqliteTaskStore.loadAll} will ask for (the engine's history
   * limit), so that open reads only those. Default 10,000, the engine's default.
   */
  finishedLimit?: number;
}

/** The engine's default history limit: what open reads ahead of the first loadAll. */
const DEFAULT_FINISHED_LIMIT = 10_000;

/** A writer that joins {@link SqliteTaskStore}'s batches (see `attach`). */
export interface BatchCompanion {
  /** Writes what it staged; runs inside the batch's transaction (a throw rolls the batch back). */
  write(): void;
  /**
   * The transaction that ran {@link write} was rolled back (a full disk): stage again what it took,
   * so the retried batch writes it. Without this, rows staged by a companion would be lost.
   */
  rollback?(): void;
}

export class SqliteTaskStore implements TaskStore {
  private readonly inserts: ChunkedStatement;
  private readonly freshInserts: ChunkedStatement;
  private readonly updates: ChunkedStatement;
  private readonly completedUpdates: ChunkedStatement;
  private readonly removes: ChunkedStatement;
  private readonly writeBatch: (inserts: readonly Readonly<TaskRecord>[], updates: readonly Readonly<TaskRecord>[], deletes: readonly string[]) => void;
  /** Ids of the rows in the file, as far as this store knows: committed inserts and loaded rows, less deletes. */
  private readonly stored = new Set<string>();
  /**
   * Changes staged for the next batch, split at save by `stored`, which changes only when a batch
   * commits: rows the file does not hold yet (inserts) and rows it holds (updates). Split at
   * flush, every row was looked up in `stored` a second time (with a whole burst in one batch,
   * a set that size costs a cache miss per lookup).
   */
  private stagedInserts = new Map<string, Readonly<TaskRecord>>();
  private stagedUpdates = new Map<string, Readonly<TaskRecord>>();
  private deletes = new Set<string>();
  /** The open batch; `fresh` is the promise of its new rows (see {@link save}). */
  private batch: (Pending & { fresh?: Pending }) | undefined;
  /** Writers of other tables that join each batch's transaction (task logs). */
  private readonly companions: BatchCompanion[] = [];
  private closed = false;
  /** Rows loaded at open (before the server listens), handed to the first {@link loadAll} with the same limit. */
  private preloaded: { limit: number | undefined; tasks: TaskRecord[]; cutoff: HistoryCutoff | undefined } | undefined;
  /** Deletes the history a limited load left out (see {@link loadAll}). */
  private pruner: HistoryPruner | undefined;
  /** Whether writes succeed, and the backoff while they do not (see docs/durability.md). */
  readonly health = new WriteHealth();
  private retryTimer: NodeJS.Timeout | undefined;
  /** Opens a batch for ticks staged with no batch open (see `saveSoon`). */
  private tickTimer: NodeJS.Timeout | undefined;
  /** Set by {@link stopRetrying} and close: a failed write is then given up instead of held. */
  private givingUp = false;
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
    this.completedUpdates = new ChunkedStatement(
      db,
      MAX_UPDATE_ROWS,
      (rows) =>
        `WITH changed (id, ${COMPLETED_COLUMNS.join(', ')}) AS (VALUES ${placeholders(rows, COMPLETED_WIDTH)})
         UPDATE tasks SET state = 'completed', progress = 100, status_text = 'Completed', error = NULL, run_at = NULL,
                          ${COMPLETED_COLUMNS.map((column) => `${column} = changed.${column}`).join(', ')}
         FROM changed WHERE tasks.id = changed.id`,
    );
    this.removes = new ChunkedStatement(db, MAX_DELETE_IDS, (ids) => `DELETE FROM tasks WHERE id IN (${placeholders(ids, 1)})`);
    // Not libsql's db.transaction(): its unconditional ROLLBACK fails with "cannot rollback - no
    // transaction is active" after SQLite has already rolled back by itself (SQLITE_FULL does), and
    // that error replaced the real cause in the log.
    this.writeBatch = (inserts, updates, deletes) => {
      db.exec('BEGIN');
      try {
        this.writeInserts(inserts);
        this.writeUpdates(updates);
        this.writeDeletes(deletes);
        for (const companion of this.companions) companion.write();
        // Nothing to write, but the store is failing: a write that needs new pages proves whether space is back.
        if (inserts.length + updates.length + deletes.length === 0 && this.health.failure !== undefined) db.exec(PROBE);
        db.exec('COMMIT');
      } catch (error) {
        if (db.inTransaction) {
          try {
            db.exec('ROLLBACK');
          } catch {
            // The original error is the one worth reporting.
          }
        }
        for (const companion of this.companions) companion.rollback?.();
        throw error;
      }
    };
  }

  /**
   * Opens (creating folders and file as needed), locks, checks, migrates and reads the database
   * at `path`, all before the caller serves anything. One process at a time: a second one gets
   * ERR_STORE_LOCKED. A damaged file is refused untouched with ERR_STORE_DAMAGED, a folder in its
   * place with ERR_STORE_OPEN, each with a message saying what to do.
   */
  static open(path: string, options: SqliteTaskStoreOptions = {}): SqliteTaskStore {
    let db: Database.Database | undefined;
    let lock: DataDirLock | undefined;
    try {
      if (path !== ':memory:') {
        mkdirSync(dirname(path), { recursive: true });
        assertDatabaseFile(path);
        lock = lockDataDir(`${path}-lock`, { legacyPidFile: `${path}.lock` });
      }
      db = new Database(path);
      checkIntegrity(db, path); // before the first write (WAL switch, migrations) can touch a damaged file
      db.exec(PRAGMAS);
      migrate(db, path);
      const store = new SqliteTaskStore(db, path, lock);
      const limit = options.finishedLimit === undefined ? DEFAULT_FINISHED_LIMIT : options.finishedLimit;
      store.preloaded = { limit, ...store.readAll(limit) };
      return store;
    } catch (error) {
      db?.close();
      lock?.release();
      if (error instanceof StoreError) throw error;
      if (error instanceof DataDirLockedError) throw new StoreError('ERR_STORE_LOCKED', error.message, { cause: error });
      throw openFailure(path, error);
    }
  }

  /**
   * Lets another table's writer join the group commit: `make` gets the database (to prepare its
   * statements and read), and its `write` runs inside every batch's transaction, after the tasks.
   * Returns the function that asks for a batch (the companion calls it when it has staged rows).
   */
  attach(make: (db: Database.Database) => BatchCompanion): () => void {
    this.companions.push(make(this.db));
    return () => {
      if (!this.closed && !this.batch) this.openBatch();
    };
  }

  /**
   * The open connection, for the stores that share this file and its lock (schedules, queue
   * control, metrics rollups): one database, one lock, one migration history.
   */
  get connection(): Database.Database {
    return this.db;
  }

  /**
   * The stored tasks, in the order they were created. With `finishedLimit` (the engine's history
   * limit), only the newest that many finished tasks and every unfinished one: older finished rows
   * are history the engine would forget at once, so they are not read (start time and memory do
   * not grow with them) and are deleted in the background, a chunk at a time, with their logs.
   */
  loadAll(options: LoadOptions = {}): TaskRecord[] {
    const limit = options.finishedLimit;
    const preloaded = this.preloaded;
    this.preloaded = undefined;
    const { tasks, cutoff } = preloaded && preloaded.limit === limit ? preloaded : this.readAll(limit);
    if (cutoff && !this.closed) {
      this.pruner?.stop();
      this.pruner = new HistoryPruner(this.db, cutoff, (id) => this.stored.has(id) || this.stagedInserts.has(id) || this.stagedUpdates.has(id), () => this.onPruned?.());
      this.pruner.start();
    }
    return tasks;
  }

  /** Called once the history a limited load left out is deleted (tests). */
  onPruned: (() => void) | undefined;

  /** The pruner of the history a limited {@link loadAll} left out, while it has one (tests). */
  get historyPruner(): HistoryPruner | undefined {
    return this.pruner;
  }

  /** Why writes fail right now (e.g. `disk full (SQLITE_FULL)`), undefined while they succeed. */
  get failure(): string | undefined {
    return this.health.failure;
  }

  /**
   * A row never written is a new submission: if its batch fails, it is refused at once (its
   * caller answers 503 and nothing was announced). Every other change is held and retried until
   * durable, and its promise resolves only then (docs/durability.md, "When the disk is full").
   */
  save(task: Readonly<TaskRecord>): Promise<void> {
    if (this.closed) return closedError();
    const batch = this.batch ?? this.openBatch();
    if (this.stored.has(task.id)) {
      this.stagedUpdates.set(task.id, task);
      return batch.promise;
    }
    this.stagedInserts.set(task.id, task);
    return (batch.fresh ??= pending()).promise;
  }

  /**
   * A progress tick: it joins the next batch, and opens one of its own only after
   * {@link TICK_WRITE_MS}. Why wait: a task ticking every turn (or a thousand tasks ticking) made
   * a transaction per turn of one-row updates that were replaced a millisecond later; waiting
   * writes each task's latest tick once per interval. A crash may lose the ticks of that interval,
   * never a state change (those open a batch at once, and take the staged ticks along).
   */
  saveSoon(task: Readonly<TaskRecord>): void {
    if (this.closed) return;
    (this.stored.has(task.id) ? this.stagedUpdates : this.stagedInserts).set(task.id, task);
    if (!this.batch && !this.tickTimer) {
      this.tickTimer = setTimeout(() => {
        this.tickTimer = undefined;
        if (!this.closed && !this.batch && this.stagedCount() > 0) this.openBatch();
      }, TICK_WRITE_MS);
      this.tickTimer.unref();
    }
  }

  delete(ids: readonly string[]): Promise<void> {
    if (this.closed) return closedError();
    for (const id of ids) {
      this.stagedInserts.delete(id);
      this.stagedUpdates.delete(id);
      this.deletes.add(id);
    }
    return (this.batch ?? this.openBatch()).promise;
  }

  writable(): Promise<void> {
    return this.health.writable();
  }

  /** Gives up on held writes: one last try now, then a failed write rejects instead of waiting. */
  stopRetrying(): void {
    this.givingUp = true;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.flush();
    }
  }

  /**
   * Writes what is pending (once more if writes were failing), then checkpoints the WAL into the
   * database file and truncates it, so that `tasks.db` alone holds everything after a clean stop,
   * and releases the file and its lock.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.stopRetrying();
    this.pruner?.stop();
    // Ticks still waiting for their interval are written now.
    clearTimeout(this.tickTimer);
    this.tickTimer = undefined;
    if (!this.batch && this.stagedCount() > 0) this.openBatch();
    if (this.batch) await this.batch.promise.catch(() => undefined);
    this.closed = true;
    try {
      this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } catch {
      // A full disk can refuse the checkpoint: the WAL keeps every commit, and the next open replays it.
    }
    this.db.close();
    this.lock?.release();
  }

  /** Every row, or (with `limit`) the unfinished ones and the newest `limit` finished ones. */
  private readAll(limit?: number): { tasks: TaskRecord[]; cutoff: HistoryCutoff | undefined } {
    let rows: Row[];
    let tasks: TaskRecord[];
    let cutoff: HistoryCutoff | undefined;
    try {
      cutoff = limit === undefined ? undefined : findHistoryCutoff(this.db, limit);
      rows = cutoff
        ? (this.db
            // The kept rows are a range of the table's B-tree; below it only `state` is read, for
            // the unfinished tasks (a queued task can be older than the whole kept history).
            .prepare(`SELECT * FROM tasks WHERE rowid >= ? OR state NOT IN ${FINAL_STATES_SQL} ORDER BY created_at, rowid`)
            .all(cutoff.rowid) as Row[])
        : (this.db.prepare('SELECT * FROM tasks ORDER BY created_at, rowid').all() as Row[]);
      tasks = rows.map(fromRow);
    } catch (error) {
      throw damaged(this.path, `its tasks cannot be read (${describeStoreError(error)})`, error);
    }
    for (const row of rows) this.stored.add(row.id);
    return { tasks, cutoff };
  }

  private openBatch(): Pending & { fresh?: Pending } {
    const batch = pending();
    this.batch = batch;
    setImmediate(() => this.flush());
    return batch;
  }

  /** Rows staged for the next batch (see `stagedInserts`). */
  private stagedCount(): number {
    return this.stagedInserts.size + this.stagedUpdates.size;
  }

  private flush(): void {
    const batch = this.batch;
    if (!batch || this.retryTimer) return; // flushed already, or a retry is scheduled (stopRetrying flushes)
    const stagedInserts = this.stagedInserts;
    const stagedUpdates = this.stagedUpdates;
    const deletes = this.deletes;
    this.batch = undefined;
    this.stagedInserts = new Map();
    this.stagedUpdates = new Map();
    this.deletes = new Set();
    const inserts = valuesOf(stagedInserts);
    const updates = valuesOf(stagedUpdates);
    try {
      const started = this.onCommit ? performance.now() : 0;
      this.writeBatch(inserts, updates, Array.from(deletes));
      this.onCommit?.(performance.now() - started, inserts.length + updates.length + deletes.size);
    } catch (error) {
      this.hold(batch, stagedUpdates, deletes, error);
      return;
    }
    // Committed: only now do these rows exist (a rolled-back batch leaves `stored` as it was).
    this.preloaded = undefined; // stale now
    for (const task of inserts) this.stored.add(task.id);
    deletes.forEach((id) => this.stored.delete(id));
    this.health.succeeded(inserts.length + updates.length + deletes.size);
    batch.resolve();
    batch.fresh?.resolve();
  }

  /**
   * A batch failed (a full disk, an I/O error): new rows are refused at once; every other change
   * stays staged in the same, still open batch (later changes join it, so announcements keep
   * their order) and is tried again after a backoff, until it is durable or the store gives up.
   * `staged` is the batch's updates: its inserts (new rows) are the refused ones.
   */
  private hold(batch: Pending & { fresh?: Pending }, staged: Map<string, Readonly<TaskRecord>>, deletes: Set<string>, error: unknown): void {
    const failure = new StoreError('ERR_STORE_WRITE', `Cannot write to the task database at ${this.path}: ${describeStoreError(error)}`, { cause: error });
    batch.fresh?.reject(failure);
    batch.fresh = undefined;
    // Only SQLite's own failures (a full disk, an I/O error) can pass; anything else (a bug) would fail forever.
    if (!String((error as { code?: unknown }).code ?? '').startsWith('SQLITE_')) return batch.reject(failure);
    if (this.givingUp) {
      this.health.failed(error, staged.size + deletes.size);
      return batch.reject(failure);
    }
    this.stagedUpdates = staged;
    this.deletes = deletes;
    this.batch = batch;
    const wait = this.health.failed(error, staged.size + deletes.size);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.flush();
    }, wait);
    this.retryTimer.unref();
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
        values[v++] = task.scheduleId ?? null;
      }
      statement.run(values);
    });
  }

  private writeUpdates(all: readonly Readonly<TaskRecord>[]): void {
    const completed: Readonly<TaskRecord>[] = [];
    const tasks: Readonly<TaskRecord>[] = [];
    for (const task of all) (isCompletedRun(task) ? completed : tasks).push(task);
    this.completedUpdates.forEachChunk(completed.length, (start, rows, statement) => {
      const values = new Array<unknown>(rows * COMPLETED_WIDTH);
      let v = 0;
      for (let i = start; i < start + rows; i++) {
        const task = completed[i]!;
        values[v++] = task.id;
        values[v++] = task.result;
        values[v++] = task.startedAt;
        values[v++] = task.completedAt;
        values[v++] = task.attempt;
        values[v++] = task.maxAttempts;
        values[v++] = task.priority;
      }
      const { changes } = statement.run(values) as { changes: number };
      if (changes !== rows) this.writeFullInserts(completed.slice(start, start + rows));
    });
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

/**
 * A map's values as an array. forEach, not for-of or Array.from: a Map's iterator made a result
 * object per row (~100 bytes per task in the bench's allocation profile), and a batch holds up to
 * every task submitted in one turn.
 */
function valuesOf<T>(map: Map<string, T>): T[] {
  const values: T[] = [];
  map.forEach((value) => values.push(value));
  return values;
}

function closedError(): Promise<void> {
  return Promise.reject(new StoreError('ERR_STORE_WRITE', 'The task database is closed'));
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
    // Only runs of a schedule carry the field, so other records read back exactly as they were saved.
    ...(row.schedule_id === null ? {} : { scheduleId: row.schedule_id }),
  };
}
