import type Database from 'libsql';

/** The final states, as an SQL list: rows in them are history, which is bounded. */
export const FINAL_STATES_SQL = `('completed', 'failed', 'cancelled')`;

/**
 * Where the kept history starts: the newest `limit` finished rows are kept, newest by rowid, i.e.
 * in the order the rows were first written (a task's row is inserted when it is submitted, so this
 * is creation order, and unlike `created_at` it does not step back with the clock). Finished rows
 * below it are history the engine would forget at once: they are neither loaded nor kept.
 *
 * Why rowid and not `created_at`: the table is a B-tree on rowid, so the newest rows are found by
 * walking it back from its end and the walk stops after `limit` finished rows: a start no longer
 * reads and sorts every finished row to find the cut (~45 ms more for 50,000 rows than for the
 * kept 10,000 on the 2-core dev VM), with no index to keep current on every task's writes.
 */
export interface HistoryCutoff {
  rowid: number;
}

/** Rows deleted per transaction: ~5-10 ms each, short enough not to stall the event loop. */
const PRUNE_CHUNK = 1000;
/** Pause before the first chunk (start and the first requests go first) and between chunks. */
const PRUNE_START_DELAY_MS = 2000;
const PRUNE_PAUSE_MS = 20;

/**
 * The `limit`-th newest finished row, or undefined when there are at most `limit` finished rows
 * (then everything is kept). Walks the table back from its newest row, reading `state` only, and
 * stops after `limit` + 1 finished rows: its cost does not grow with the rows left out.
 */
export function findHistoryCutoff(db: Database.Database, limit: number): HistoryCutoff | undefined {
  // The limit-th newest and the one after it: without the latter, nothing is left out.
  const [cutoff, older] = db
    .prepare(`SELECT rowid FROM tasks WHERE state IN ${FINAL_STATES_SQL} ORDER BY rowid DESC LIMIT 2 OFFSET ?`)
    .all(limit - 1) as HistoryCutoff[];
  return older ? cutoff : undefined;
}

/**
 * Deletes, in the background, the finished rows below a {@link HistoryCutoff} that a start did
 * not load (and their log lines), in short transactions spread over time: so a file that holds
 * 50,000 rows costs a start what one holding the kept 10,000 does, and the file still shrinks to
 * the kept history. A row `isHeld` reports (one the store wrote or loaded since) is never
 * deleted, whatever its age: only rows nobody holds go. A failing write (a full disk) stops the
 * prune; the next start tries again, as the rows are still below the next cutoff.
 */
export class HistoryPruner {
  private timer: NodeJS.Timeout | undefined;
  /** Rows are walked by rowid (the table's own B-tree order): each chunk resumes past the last. */
  private afterRowid = 0;
  private readonly select: Database.Statement;
  private stopped = false;
  /** Rows deleted so far (tests and metrics). */
  pruned = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly cutoff: HistoryCutoff,
    private readonly isHeld: (id: string) => boolean,
    private readonly onDone: () => void = () => undefined,
  ) {
    this.select = db.prepare(
      `SELECT rowid, id FROM tasks WHERE rowid > ? AND rowid < ? AND state IN ${FINAL_STATES_SQL} ORDER BY rowid LIMIT ${PRUNE_CHUNK}`,
    );
  }

  /** Starts pruning after a short delay; `delayMs` 0 prunes from the next turn on. */
  start(delayMs = PRUNE_START_DELAY_MS): void {
    if (this.stopped || this.timer) return;
    this.schedule(delayMs);
  }

  /** Stops (at close): what is left is pruned at the next start. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Deletes one chunk; returns whether more may be left. Synchronous: no batch can interleave. */
  pruneChunk(): boolean {
    const rows = this.select.all(this.afterRowid, this.cutoff.rowid) as { rowid: number; id: string }[];
    if (rows.length === 0) return false;
    this.afterRowid = rows[rows.length - 1]!.rowid;
    const ids = rows.filter((row) => !this.isHeld(row.id)).map((row) => row.id);
    if (ids.length > 0) {
      const list = ids.map(() => '?').join(', ');
      this.db.exec('BEGIN');
      try {
        this.db.prepare(`DELETE FROM tasks WHERE id IN (${list})`).run(ids);
        this.db.prepare(`DELETE FROM task_logs WHERE task_id IN (${list})`).run(ids);
        this.db.exec('COMMIT');
      } catch (error) {
        if (this.db.inTransaction) {
          try {
            this.db.exec('ROLLBACK');
          } catch {
            // The original error is the one worth reporting.
          }
        }
        throw error;
      }
      this.pruned += ids.length;
    }
    return rows.length === PRUNE_CHUNK;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      let more: boolean;
      try {
        more = this.pruneChunk();
      } catch {
        more = false; // a full disk or an I/O error: the next start prunes what is left
      }
      if (more) this.schedule(PRUNE_PAUSE_MS);
      else {
        this.stopped = true;
        this.onDone();
      }
    }, delayMs);
    this.timer.unref();
  }
}
