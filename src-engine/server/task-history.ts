import { Deque } from '../channel/deque.js';
import type { TaskService } from '../engine/task-service.js';
import type { TaskRecord } from '../engine/task-record.js';
import type { TaskState } from '../protocol/messages.js';
import { isoOf, isoOrNull } from './task-dto.js';

/** One state change of a task, as `GET /api/tasks/:id/history` lists it. */
export interface TaskHistoryEntry {
  /** When the server heard of the change, ISO 8601 UTC. */
  at: string;
  state: TaskState;
  /** The original's status text at that moment (`Running`, `Failed`, ...). */
  status: string;
  attempt: number;
  /** The error the change came with (a failed attempt, a cancellation), else null. */
  error: string | null;
  /** While it waits out a retry backoff, when it re-enters the queue. */
  retryAt: string | null;
}

/** Options of {@link TaskHistory}. */
export interface TaskHistoryOptions {
  /** State changes kept per task (the latest). Default 50. */
  perTask?: number;
  /** Tasks whose history is kept; the longest-known are forgotten first. Default 10,000 (the engine's default history). */
  maxTasks?: number;
}

/**
 * A bounded, in-memory story of each task's state changes (queued, running, retrying, final),
 * fed by engine events. It is not stored: after a restart, a task's history starts from what its
 * record says (see {@link reconstructHistory}). Progress ticks cost one comparison.
 */
export class TaskHistory {
  private readonly perTask: number;
  private readonly maxTasks: number;
  /**
   * Each task's changes, {@link FIELDS} values apiece, one after another in one array: every task
   * is kept a while, so objects per change would all outlive the young generation (GC work on
   * every request that starts a task). Times are kept as numbers and formatted when read: most
   * histories are never read.
   */
  private readonly byTask = new Map<string, HeardChanges>();
  /**
   * Ids in the order their tasks became known: the oldest-known is forgotten first. Kept apart
   * from the Map because `byTask.keys().next()` walks every hole the deletions at the front left
   * (thousands, with 10,000 tasks): that made each new task cost ~20 µs. May hold ids deleted
   * since (skipped when met, dropped in bulk when they pile up).
   */
  private readonly order = new Deque<string>();
  private readonly unsubscribe: () => void;

  constructor(engine: TaskService, options: TaskHistoryOptions = {}) {
    this.perTask = options.perTask ?? 50;
    this.maxTasks = options.maxTasks ?? 10_000;
    this.unsubscribe = engine.subscribe((event) => {
      if (event.type === 'tasksDeleted') {
        for (const id of event.ids) this.byTask.delete(id);
        return;
      }
      if (event.type === 'taskUpdated' && !event.stateChanged) return;
      this.record(event.task);
    });
  }

  /** The task's state changes seen by this server run, oldest first (empty when none). */
  of(id: string): readonly TaskHistoryEntry[] {
    const changes = this.byTask.get(id);
    if (!changes) return [];
    const entries: TaskHistoryEntry[] = [];
    for (let i = 0; i < changes.length; i += FIELDS) {
      entries.push({
        at: isoOf(changes[i] as number),
        state: changes[i + 1] as TaskState,
        status: changes[i + 2] as string,
        attempt: changes[i + 3] as number,
        error: changes[i + 4] as string | null,
        retryAt: isoOrNull(changes[i + 5] as number | null),
      });
    }
    return entries;
  }

  /** Tasks whose history is kept. */
  get size(): number {
    return this.byTask.size;
  }

  /** Stops listening to the engine. */
  close(): void {
    this.unsubscribe();
  }

  private record(task: Readonly<TaskRecord>): void {
    let entries = this.byTask.get(task.id);
    if (!entries) {
      entries = [];
      this.byTask.set(task.id, entries);
      this.order.push(task.id);
      this.trim();
    }
    entries.push(Date.now(), task.state, task.statusText, task.attempt, task.error, task.runAt);
    if (entries.length > this.perTask * FIELDS) entries.splice(0, entries.length - this.perTask * FIELDS);
  }

  /** Forgets the oldest-known tasks beyond `maxTasks`; O(1) amortised. */
  private trim(): void {
    // Stale ids (deleted tasks) are skipped: delete() answers false for them.
    while (this.byTask.size > this.maxTasks && this.order.length > 0) this.byTask.delete(this.order.shift());
    // Deletions can keep the Map small while ids pile up here: drop the stale ones once they are half.
    if (this.order.length > 2 * Math.max(this.byTask.size, 16)) this.order.retain((id) => this.byTask.has(id));
  }
}

/** Values kept per change: at (epoch ms), state, status, attempt, error, retryAt (epoch ms or null). */
const FIELDS = 6;

/** A task's changes, flat: {@link FIELDS} values each. */
type HeardChanges = Array<number | string | null>;

/**
 * What a task's record alone tells of its story, for tasks this server run has not watched
 * (created before a restart): queued at creation, running from its (last) start, and its end.
 */
export function reconstructHistory(task: Readonly<TaskRecord>): TaskHistoryEntry[] {
  const entries: TaskHistoryEntry[] = [{ at: isoOf(task.createdAt), state: 'queued', status: 'Queued', attempt: 1, error: null, retryAt: null }];
  if (task.startedAt !== null) entries.push({ at: isoOf(task.startedAt), state: 'running', status: 'Running', attempt: task.attempt, error: null, retryAt: null });
  if (task.state !== 'queued' && task.state !== 'running' && task.completedAt !== null) {
    entries.push({ at: isoOf(task.completedAt), state: task.state, status: task.statusText, attempt: task.attempt, error: task.error, retryAt: null });
  }
  return entries;
}
