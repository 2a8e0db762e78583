import type { TaskLogLevel, TaskLogLine, TaskLogPage, TaskLogStream } from '../protocol/messages.js';
import { cutMarkerText, DEFAULT_LOG_LIMITS, LogBudget, lineCost, MAX_LOG_LINE_CHARS, type LogLimits } from './log-budget.js';

/** A line as a task writes it; the store numbers it. */
export interface LogEntry {
  /** Epoch ms. */
  time: number;
  stream: TaskLogStream;
  level?: TaskLogLevel | undefined;
  text: string;
}

/**
 * Where task logs are kept. The engine appends lines of running tasks and forgets the logs of
 * forgotten tasks; the server reads them. Every implementation keeps each task's log bounded
 * (head and tail, see {@link LogBudget}).
 */
export interface TaskLogStore {
  /**
   * Numbers and keeps a line; answers the lines to announce (the line, preceded by a marker line
   * when this line starts the cut).
   */
  append(taskId: string, entry: LogEntry): TaskLogLine[];
  /** Lines numbered above `after`, oldest first, at most `limit`. */
  read(taskId: string, after: number, limit: number): TaskLogPage;
  /** Drops the logs of deleted tasks. */
  forget(taskIds: readonly string[]): void;
  /** The task stopped running: bookkeeping kept for appending may go (the lines stay). */
  release(taskId: string): void;
}

/** A line's text as stored: no line breaks, no more than {@link MAX_LOG_LINE_CHARS}. */
export function cleanLineText(text: string): string {
  const single = text.includes('\n') || text.includes('\r') ? text.replace(/\r?\n|\r/g, ' ') : text;
  return single.length > MAX_LOG_LINE_CHARS ? `${single.slice(0, MAX_LOG_LINE_CHARS - 1)}…` : single;
}

/** Turns an entry into a numbered line (ISO time). */
export function toLogLine(seq: number, entry: LogEntry): TaskLogLine {
  const line: TaskLogLine = { seq, time: new Date(entry.time).toISOString(), stream: entry.stream, text: entry.text };
  if (entry.level !== undefined) line.level = entry.level;
  return line;
}

/** Appends through a budget: the marker line first when this line starts the cut. */
export function budgetedAppend(
  budget: LogBudget,
  limits: LogLimits,
  nextSeq: () => number,
  entry: LogEntry,
  keep: (line: TaskLogLine, evictThrough: number | undefined) => void,
): TaskLogLine[] {
  const text = cleanLineText(entry.text);
  const cost = lineCost(text);
  const out: TaskLogLine[] = [];
  if (budget.needsMarker(cost)) {
    const markerSeq = nextSeq();
    const marker = toLogLine(markerSeq, { time: entry.time, stream: 'log', level: 'warn', text: cutMarkerText(limits) });
    budget.markCut(markerSeq);
    keep(marker, undefined);
    out.push(marker);
  }
  const line = toLogLine(nextSeq(), { ...entry, text });
  const placed = budget.place(line.seq, cost);
  keep(line, placed.part === 'tail' ? placed.evictThrough : undefined);
  out.push(line);
  return out;
}

interface MemoryLog {
  budget: LogBudget;
  seq: number;
  /** What its lines cost (see lineCost), evicted tail lines included until they are spliced out. */
  bytes: number;
  /** In order; lines dropped from the tail may linger a while (readers skip them). */
  lines: TaskLogLine[];
}

/** Most bytes all in-memory logs together may hold (the oldest tasks' logs go first). Default 256 MiB. */
export const DEFAULT_MEMORY_LOG_TOTAL = 256 * 1024 * 1024;

/**
 * Logs in memory: `--in-memory` runs and tests. Bounded per task like the others, and in total:
 * past `totalBytes`, the logs of the tasks that started logging first are dropped whole.
 */
export class MemoryTaskLogStore implements TaskLogStore {
  private readonly logs = new Map<string, MemoryLog>();
  private total = 0;
  constructor(
    private readonly limits: LogLimits = DEFAULT_LOG_LIMITS,
    private readonly totalBytes: number = DEFAULT_MEMORY_LOG_TOTAL,
  ) {}

  append(taskId: string, entry: LogEntry): TaskLogLine[] {
    let log = this.logs.get(taskId);
    if (!log) this.logs.set(taskId, (log = { budget: new LogBudget(this.limits), seq: 0, bytes: 0, lines: [] }));
    const current = log;
    const lines = budgetedAppend(current.budget, this.limits, () => ++current.seq, entry, (line, evictThrough) => {
      current.lines.push(line);
      const cost = lineCost(line.text);
      current.bytes += cost;
      this.total += cost;
      if (evictThrough !== undefined) this.evict(current);
    });
    for (const [id, oldest] of this.logs) {
      if (this.total <= this.totalBytes || oldest === current) break;
      this.total -= oldest.bytes;
      this.logs.delete(id);
    }
    return lines;
  }

  read(taskId: string, after: number, limit: number): TaskLogPage {
    const log = this.logs.get(taskId);
    if (!log) return { taskId, lines: [], lastSeq: 0, more: false };
    const lines: TaskLogLine[] = [];
    let i = firstAbove(log.lines, after);
    for (; i < log.lines.length && lines.length < limit; i++) {
      const line = log.lines[i]!;
      if (!log.budget.isEvicted(line.seq)) lines.push(line);
    }
    return { taskId, lines, lastSeq: log.seq, more: i < log.lines.length };
  }

  forget(taskIds: readonly string[]): void {
    for (const id of taskIds) {
      this.total -= this.logs.get(id)?.bytes ?? 0;
      this.logs.delete(id);
    }
  }

  release(): void {}

  /** Drops evicted tail lines (amortised: only once they are a good share of the array). */
  private evict(log: MemoryLog): void {
    const headEnd = log.budget.headEnd!;
    const markerIndex = firstAbove(log.lines, headEnd) - 1;
    let end = markerIndex + 1;
    while (end < log.lines.length && log.budget.isEvicted(log.lines[end]!.seq)) end++;
    const dropped = end - markerIndex - 1;
    // Few: leave them (readers skip them), so that append stays O(1) amortised.
    if (dropped > 1024 || dropped * 4 > log.lines.length) {
      for (const line of log.lines.splice(markerIndex + 1, dropped)) {
        const cost = lineCost(line.text);
        log.bytes -= cost;
        this.total -= cost;
      }
    }
  }
}

/** Index of the first line numbered above `seq` (lines are in order). */
export function firstAbove(lines: readonly TaskLogLine[], seq: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lines[mid]!.seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
