import type Database from 'libsql';
import type { TaskLogLine, TaskLogPage } from '../protocol/messages.js';
import { DEFAULT_LOG_LIMITS, LogBudget, type LogLimits } from './log-budget.js';
import type { SqliteTaskStore } from './sqlite-task-store.js';
import { budgetedAppend, type LogEntry, type TaskLogStore } from './task-log-store.js';

/** Bookkeeping of a task that is writing lines. */
interface WritingLog {
  budget: LogBudget;
  seq: number;
  /** Lines staged for the next batch. */
  pending: TaskLogLine[];
  /** Tail lines up to this seq (above the head) are to be deleted from the table. */
  evictThrough: number;
  /** The last eviction written to the table. */
  evictedInTable: number;
  /** The task stopped running: drop this bookkeeping once its lines are written. */
  released: boolean;
  /** When tail lines were last written (see {@link TAIL_WRITE_MS}). */
  tailWrittenAt: number;
  /** Staged lines are cleared of evicted ones when they reach this many (amortised). */
  filterAt: number;
}

/** What one {@link SqliteTaskLogStore} write took from its staging, to put back if its transaction rolls back. */
interface WriteUndo {
  doomed: string[];
  lines: { log: WritingLog; lines: TaskLogLine[]; evictedInTable: number }[];
  released: [string, WritingLog][];
}

interface Row {
  seq: number;
  time: number;
  stream: TaskLogLine['stream'];
  level: TaskLogLine['level'] | null;
  text: string;
}

const MAX_INSERT_ROWS = 128;

/**
 * Once a log is cut, its tail lines are written at most this often (and when the task ends):
 * a line that leaves the tail before then is never written, so a program that floods its output
 * costs a bounded write rate rather than its whole output written and deleted again.
 */
const TAIL_WRITE_MS = 1000;

/**
 * Task logs in the task database's `task_logs` table, written in the task store's group commit
 * (so a log line and the state change it preceded land in the same transaction). Lines evicted
 * from the tail before their batch is written are never written at all: a program that writes a
 * gigabyte costs a bounded number of rows, and the memory of one batch.
 */
export class SqliteTaskLogStore implements TaskLogStore {
  private readonly writing = new Map<string, WritingLog>();
  private readonly doomed = new Set<string>();
  private readonly requestBatch: () => void;
  private db!: Database.Database;
  private readonly inserts = new Map<number, Database.Statement>();
  private selectPage!: Database.Statement;
  private selectStats!: Database.Statement;
  private trim!: Database.Statement;
  private scheduled = false;
  /** The last write's undo, until the next write (a rollback restores it). */
  private undo: WriteUndo | undefined;

  constructor(
    store: SqliteTaskStore,
    private readonly limits: LogLimits = DEFAULT_LOG_LIMITS,
  ) {
    this.requestBatch = store.attach((db) => {
      this.db = db;
      this.selectPage = db.prepare('SELECT seq, time, stream, level, text FROM task_logs WHERE task_id = ? AND seq > ? ORDER BY seq LIMIT ?');
      this.selectStats = db.prepare('SELECT COALESCE(MAX(seq), 0) AS last, COALESCE(SUM(LENGTH(text) + 64), 0) AS used FROM task_logs WHERE task_id = ?');
      this.trim = db.prepare('DELETE FROM task_logs WHERE task_id = ? AND seq > ? AND seq <= ?');
      return { write: () => this.write(), rollback: () => this.rollback() };
    });
  }

  append(taskId: string, entry: LogEntry): TaskLogLine[] {
    const log = this.writingLog(taskId);
    const lines = budgetedAppend(log.budget, this.limits, () => ++log.seq, entry, (line, evictThrough) => {
      log.pending.push(line);
      if (evictThrough !== undefined) {
        log.evictThrough = evictThrough;
        // Drop staged lines that are already out of the tail: they are never written.
        if (log.pending.length >= log.filterAt) {
          log.pending = log.pending.filter((kept) => !log.budget.isEvicted(kept.seq));
          log.filterAt = 2 * log.pending.length + 64;
        }
      }
    });
    this.schedule();
    return lines;
  }

  read(taskId: string, after: number, limit: number): TaskLogPage {
    const log = this.writing.get(taskId);
    const rows = this.selectPage.all(taskId, after, limit + 1) as Row[];
    const lines: TaskLogLine[] = [];
    for (const row of rows) {
      if (log?.budget.isEvicted(row.seq)) continue;
      lines.push(fromRow(row));
    }
    if (log) {
      const last = lines.length > 0 ? lines[lines.length - 1]!.seq : after;
      for (const line of log.pending) if (line.seq > last && !log.budget.isEvicted(line.seq)) lines.push(line);
    }
    const lastSeq = log ? log.seq : (this.selectStats.get(taskId) as { last: number }).last;
    return { taskId, lines: lines.slice(0, limit), lastSeq, more: lines.length > limit };
  }

  forget(taskIds: readonly string[]): void {
    for (const id of taskIds) {
      this.writing.delete(id);
      this.doomed.add(id);
    }
    if (taskIds.length > 0) this.schedule();
  }

  release(taskId: string): void {
    const log = this.writing.get(taskId);
    // Kept until its staged lines are written; the next batch drops it.
    if (log) {
      log.released = true;
      this.schedule(); // its held tail lines are written now
    }
  }

  private writingLog(taskId: string): WritingLog {
    let log = this.writing.get(taskId);
    if (log) {
      log.released = false;
      return log;
    }
    // A task writing again (a retry, a re-run after a restart): its earlier lines count as its head.
    const stats = this.selectStats.get(taskId) as { last: number; used: number };
    log = { budget: new LogBudget(this.limits, stats.used), seq: stats.last, pending: [], evictThrough: 0, evictedInTable: 0, released: false, tailWrittenAt: 0, filterAt: 64 };
    this.writing.set(taskId, log);
    this.doomed.delete(taskId);
    return log;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.requestBatch();
  }

  private laterTimer: NodeJS.Timeout | undefined;

  /** Asks for a batch once the tail write interval has passed. */
  private writeLater(): void {
    if (this.laterTimer) return;
    this.laterTimer = setTimeout(() => {
      this.laterTimer = undefined;
      this.schedule();
    }, TAIL_WRITE_MS);
    this.laterTimer.unref();
  }

  /** Runs inside the task store's transaction. */
  private write(): void {
    this.scheduled = false;
    const undo: WriteUndo = { doomed: [...this.doomed], lines: [], released: [] };
    this.undo = undo;
    if (this.doomed.size > 0) {
      const ids = [...this.doomed];
      this.doomed.clear();
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        this.db.prepare(`DELETE FROM task_logs WHERE task_id IN (${chunk.map(() => '?').join(', ')})`).run(chunk);
      }
    }
    const now = Date.now();
    for (const [taskId, log] of this.writing) {
      const lines = log.pending.filter((line) => !log.budget.isEvicted(line.seq));
      if (log.budget.headEnd !== undefined && !log.released && now - log.tailWrittenAt < TAIL_WRITE_MS) {
        log.pending = lines;
        log.filterAt = 2 * lines.length + 64;
        this.writeLater();
        continue;
      }
      undo.lines.push({ log, lines, evictedInTable: log.evictedInTable });
      log.pending = [];
      log.filterAt = 64;
      if (log.budget.headEnd !== undefined) log.tailWrittenAt = now;
      for (let i = 0; i < lines.length; i += MAX_INSERT_ROWS) this.insertRows(taskId, lines.slice(i, i + MAX_INSERT_ROWS));
      if (log.evictThrough > log.evictedInTable && log.budget.headEnd !== undefined) {
        this.trim.run(taskId, log.budget.headEnd, log.evictThrough);
        log.evictedInTable = log.evictThrough;
      }
      if (log.released) {
        this.writing.delete(taskId);
        undo.released.push([taskId, log]);
      }
    }
  }

  /** The batch's transaction was rolled back: what {@link write} took is staged again, ahead of newer lines. */
  private rollback(): void {
    const undo = this.undo;
    this.undo = undefined;
    if (!undo) return;
    for (const id of undo.doomed) this.doomed.add(id);
    for (const [taskId, log] of undo.released) if (!this.writing.has(taskId)) this.writing.set(taskId, log);
    for (const { log, lines, evictedInTable } of undo.lines) {
      log.pending = lines.concat(log.pending);
      log.evictedInTable = evictedInTable;
    }
  }

  private insertRows(taskId: string, lines: readonly TaskLogLine[]): void {
    if (lines.length === 0) return;
    let statement = this.inserts.get(lines.length);
    if (!statement) {
      statement = this.db.prepare(`INSERT OR REPLACE INTO task_logs (task_id, seq, time, stream, level, text) VALUES ${Array(lines.length).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`);
      this.inserts.set(lines.length, statement);
    }
    const values: unknown[] = [];
    for (const line of lines) values.push(taskId, line.seq, Date.parse(line.time), line.stream, line.level ?? null, line.text);
    statement.run(values);
  }
}

function fromRow(row: Row): TaskLogLine {
  const line: TaskLogLine = { seq: row.seq, time: new Date(row.time).toISOString(), stream: row.stream, text: row.text };
  if (row.level) line.level = row.level;
  return line;
}
