import type Database from 'libsql';
import { decodeSketch, encodeSketch, type DurationSketch } from './duration-sketch.js';

/** Every kind together. */
export const ALL_KINDS = '*';

/** One minute of one kind (or of {@link ALL_KINDS}). */
export interface MinuteRow {
  /** Minutes since the epoch (UTC). */
  minute: number;
  kind: string;
  completed: number;
  failed: number;
  cancelled: number;
  /** Highest queue depth and running count sampled in the minute (on the all-kinds row only). */
  queueMax: number;
  runningMax: number;
  durations: DurationSketch;
}

/** Where finished minutes are kept. */
export interface RollupStore {
  /** Rows of one kind with `from <= minute <= to`, oldest first. */
  query(kind: string, from: number, to: number): MinuteRow[];
  /** Writes rows (replacing same minute and kind), in one go. */
  upsert(rows: readonly MinuteRow[]): void;
  /** Forgets minutes before `minute`. */
  prune(beforeMinute: number): void;
}

/** Rows in a Map: `--in-memory` runs and tests. */
export class MemoryRollupStore implements RollupStore {
  private readonly rows = new Map<string, MinuteRow>();

  query(kind: string, from: number, to: number): MinuteRow[] {
    return [...this.rows.values()].filter((row) => row.kind === kind && row.minute >= from && row.minute <= to).sort((a, b) => a.minute - b.minute);
  }

  upsert(rows: readonly MinuteRow[]): void {
    for (const row of rows) this.rows.set(`${row.minute}|${row.kind}`, { ...row, durations: new Map(row.durations) });
  }

  prune(beforeMinute: number): void {
    for (const [key, row] of this.rows) if (row.minute < beforeMinute) this.rows.delete(key);
  }
}

interface Row {
  minute: number;
  kind: string;
  completed: number;
  failed: number;
  cancelled: number;
  queue_max: number;
  running_max: number;
  durations: string;
}

/** Rows in the task database's `stats_minutes` table (migration 3). */
export class SqliteRollupStore implements RollupStore {
  private readonly select: Database.Statement;
  private readonly write: (rows: readonly MinuteRow[]) => void;
  private readonly remove: Database.Statement;

  constructor(db: Database.Database) {
    this.select = db.prepare('SELECT * FROM stats_minutes WHERE minute BETWEEN ? AND ? AND kind = ? ORDER BY minute');
    const insert = db.prepare(
      'INSERT OR REPLACE INTO stats_minutes (minute, kind, completed, failed, cancelled, queue_max, running_max, durations) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.write = db.transaction((rows: readonly MinuteRow[]) => {
      for (const row of rows) insert.run(row.minute, row.kind, row.completed, row.failed, row.cancelled, row.queueMax, row.runningMax, encodeSketch(row.durations));
    });
    this.remove = db.prepare('DELETE FROM stats_minutes WHERE minute < ?');
  }

  query(kind: string, from: number, to: number): MinuteRow[] {
    return (this.select.all(from, to, kind) as Row[]).map((row) => ({
      minute: row.minute,
      kind: row.kind,
      completed: row.completed,
      failed: row.failed,
      cancelled: row.cancelled,
      queueMax: row.queue_max,
      runningMax: row.running_max,
      durations: decodeSketch(row.durations),
    }));
  }

  upsert(rows: readonly MinuteRow[]): void {
    if (rows.length > 0) this.write(rows);
  }

  prune(beforeMinute: number): void {
    this.remove.run(beforeMinute);
  }
}
