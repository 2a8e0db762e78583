import type { TaskLogLine, TaskLogPage } from '../../protocol/messages.js';
import type { LogEntry, TaskLogStore } from '../../store/task-log-store.js';

/** Options of {@link ReplicaLogStore}. */
export interface ReplicaLogOptions {
  /** Tasks whose lines are kept; the least recently written lose theirs first. Default 500. */
  maxTasks?: number;
  /** Lines kept per task (the newest). Default 2,000. */
  linesPerTask?: number;
}

/**
 * A node's copy of task logs: lines numbered by the worker that ran the task arrive through the
 * events stream (or are loaded from Redis) and are served from memory, bounded in tasks and lines.
 */
export class ReplicaLogStore implements TaskLogStore {
  private readonly logs = new Map<string, { lines: TaskLogLine[]; lastSeq: number }>();
  private readonly maxTasks: number;
  private readonly linesPerTask: number;

  constructor(options: ReplicaLogOptions = {}) {
    this.maxTasks = options.maxTasks ?? 500;
    this.linesPerTask = options.linesPerTask ?? 2000;
  }

  /** A line the worker numbered; lines already held (same number or lower) are ignored. */
  put(taskId: string, line: TaskLogLine): void {
    let log = this.logs.get(taskId);
    if (log) this.logs.delete(taskId);
    else log = { lines: [], lastSeq: 0 };
    this.logs.set(taskId, log);
    if (this.logs.size > this.maxTasks) this.logs.delete(this.logs.keys().next().value as string);
    if (line.seq <= log.lastSeq) return;
    log.lines.push(line);
    log.lastSeq = line.seq;
    if (log.lines.length >= this.linesPerTask * 2) log.lines = log.lines.slice(-this.linesPerTask);
  }

  /** Whether any line of the task is held. */
  has(taskId: string): boolean {
    return this.logs.has(taskId);
  }

  /** Lines are numbered by workers (see ClusterWorker); a node that only serves never appends. */
  append(_taskId: string, _entry: LogEntry): TaskLogLine[] {
    throw new Error('ReplicaLogStore.append: log lines are written by the worker that runs the task');
  }

  read(taskId: string, after: number, limit: number): TaskLogPage {
    const log = this.logs.get(taskId);
    if (!log) return { taskId, lines: [], lastSeq: 0, more: false };
    const kept = log.lines.length > this.linesPerTask ? log.lines.slice(-this.linesPerTask) : log.lines;
    const from = kept.findIndex((line) => line.seq > after);
    if (from < 0) return { taskId, lines: [], lastSeq: log.lastSeq, more: false };
    const lines = kept.slice(from, from + limit);
    return { taskId, lines, lastSeq: log.lastSeq, more: from + limit < kept.length };
  }

  forget(taskIds: readonly string[]): void {
    for (const id of taskIds) this.logs.delete(id);
  }

  release(): void {}
}
