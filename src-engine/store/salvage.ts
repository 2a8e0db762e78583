import { closeSync, copyFileSync, existsSync, fstatSync, ftruncateSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import Database from 'libsql';
import { SqliteTaskStore } from './sqlite-task-store.js';

/** What {@link salvageTasks} got out of a damaged file. */
export interface SalvageReport {
  /** Rows copied into the new database. */
  recovered: number;
  /** Rows found but unusable (a required column missing or unreadable). */
  skipped: number;
}

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const ROWS_PER_READ = 256;
/** Gaps wider than this between two readable rows are not searched row by row. */
const MAX_POINT_SEARCH = 10_000;
const COLUMNS = ['id', 'name', 'kind', 'parameters', 'client_id', 'state', 'progress', 'status_text', 'result', 'error', 'created_at', 'started_at', 'completed_at', 'attempt', 'max_attempts', 'priority', 'run_at'];

/**
 * Copies every readable task of a damaged database at `damagedPath` into a new, healthy database
 * at `targetPath` (created with the current schema). The damaged file is only read: the work is
 * done on a copy, whose header's magic string is restored if it was overwritten. Rows are read in
 * rowid order; where a damaged page makes a range unreadable, the reader skips ahead (doubling its
 * stride) to the next readable row, then looks back row by row for what it skipped.
 */
export async function salvageTasks(damagedPath: string, targetPath: string): Promise<SalvageReport> {
  const work = `${targetPath}.salvage-copy`;
  removeDatabase(work);
  copyFileSync(damagedPath, work);
  if (existsSync(`${damagedPath}-wal`)) copyFileSync(`${damagedPath}-wal`, `${work}-wal`);
  repairHeader(work);
  const rows = new Map<number, Record<string, unknown>>();
  try {
    readRows(work, rows);
  } finally {
    removeDatabase(work);
  }
  await SqliteTaskStore.open(targetPath).close(); // the current schema, then plain inserts
  const target = new Database(targetPath);
  let recovered = 0;
  let skipped = 0;
  try {
    const insert = target.prepare(`INSERT OR IGNORE INTO tasks (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
    target.exec('BEGIN');
    for (const row of [...rows.entries()].sort(([a], [b]) => a - b).map(([, row]) => row)) {
      try {
        JSON.parse(String(row['parameters']));
        insert.run(COLUMNS.map((column) => row[column] ?? defaultOf(column)));
        recovered++;
      } catch {
        skipped++;
      }
    }
    target.exec('COMMIT');
    target.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    target.close();
  }
  return { recovered, skipped };
}

/** Removes a database file and its WAL companions. */
export function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

/**
 * Reads every row it can. After SQLite has met a damaged page, later reads on the same connection
 * fail too, so each failure reopens the connection before the search goes on.
 */
function readRows(path: string, rows: Map<number, Record<string, unknown>>): void {
  let db: Database.Database | undefined;
  let range!: Database.Statement;
  let firstFrom!: Database.Statement;
  let one!: Database.Statement;
  const reopen = (): void => {
    db?.close();
    db = new Database(path);
    range = db.prepare(`SELECT rowid AS _rowid, * FROM tasks WHERE rowid >= ? ORDER BY rowid LIMIT ${ROWS_PER_READ}`);
    firstFrom = db.prepare('SELECT rowid AS _rowid, * FROM tasks WHERE rowid >= ? ORDER BY rowid LIMIT 1');
    one = db.prepare('SELECT rowid AS _rowid, * FROM tasks WHERE rowid = ?');
  };
  const keep = (row: Record<string, unknown>) => {
    delete row['_metadata']; // libsql's timing, not a column
    rows.set(Number(row['_rowid']), row);
  };
  try {
    reopen();
  } catch {
    db?.close();
    return; // not even the schema is readable
  }
  try {
    let from = 1; // rowids are assigned from 1 up
    for (;;) {
      try {
        const batch = range.all(from) as Record<string, unknown>[];
        if (batch.length === 0) return;
        batch.forEach(keep);
        from = Number(batch.at(-1)!['_rowid']) + 1;
        continue;
      } catch {
        reopen(); // a damaged page in this range: find the next readable row, doubling the stride
      }
      let next: Record<string, unknown> | undefined;
      let exhausted = false;
      for (let stride = 1; stride < 2 ** 50 && !next && !exhausted; stride *= 2) {
        try {
          next = firstFrom.get(from + stride) as Record<string, unknown> | undefined;
          exhausted = !next; // nothing beyond
        } catch {
          reopen(); // still damaged
        }
      }
      if (!next) return;
      const to = Number(next['_rowid']);
      if (to - from <= MAX_POINT_SEARCH) {
        for (let rowid = from; rowid < to; rowid++) {
          try {
            const row = one.get(rowid) as Record<string, unknown> | undefined;
            if (row) keep(row);
          } catch {
            reopen(); // this row's page is gone
          }
        }
      }
      keep(next);
      from = to + 1;
    }
  } finally {
    db?.close();
  }
}

/**
 * Undoes the header damage that hides readable pages: an overwritten magic string is restored,
 * and a truncated file is padded back to the size its header records (the missing pages read as
 * empty, so SQLite reports them damaged instead of refusing the whole file).
 */
function repairHeader(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    const head = Buffer.alloc(100);
    readSync(fd, head, 0, 100, 0);
    if (!head.subarray(0, 16).equals(MAGIC)) writeSync(fd, MAGIC, 0, 16, 0);
    const pageSize = head.readUInt16BE(16) === 1 ? 65536 : head.readUInt16BE(16);
    const pages = head.readUInt32BE(28);
    if (pageSize >= 512 && pages > 0 && fstatSync(fd).size < pages * pageSize) ftruncateSync(fd, pages * pageSize);
  } finally {
    closeSync(fd);
  }
}

function defaultOf(column: string): unknown {
  if (column === 'attempt' || column === 'max_attempts') return 1;
  if (column === 'priority' || column === 'progress' || column === 'created_at') return 0;
  return null;
}
