import { Deque } from '../channel/deque.js';
import type { TaskService } from '../engine/task-service.js';
import type { TaskRecord } from '../engine/task-record.js';
import type { TaskState } from '../protocol/messages.js';
import { isoOf } from './task-dto.js';

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
   * Each known task's first block of changes in {@link ChangeSlab}. Only a small integer per task:
   * every task is kept until 10,000 later ones came, so whatever it holds here is promoted to the
   * old generation. An array per task (with its times as heap numbers) made that ~0.3 KB of
   * objects per task, which the collectors then copied and marked: ~40 % of the CPU a no-op task
   * costs the server went to this history. The slab's few big arrays are nothing to copy.
   */
  private readonly byTask = new Map<string, number>();
  /**
   * Ids in the order their tasks became known: the oldest-known is forgotten first. Kept apart
   * from the Map because `byTask.keys().next()` walks every hole the deletions at the front left
   * (thousands, with 10,000 tasks): that made each new task cost ~20 µs. May hold ids deleted
   * since (skipped when met, dropped in bulk when they pile up).
   */
  private readonly order = new Deque<string>();
  private readonly slab = new ChangeSlab();
  private readonly unsubscribe: () => void;

  constructor(engine: TaskService, options: TaskHistoryOptions = {}) {
    this.perTask = options.perTask ?? 50;
    this.maxTasks = options.maxTasks ?? 10_000;
    this.unsubscribe = engine.subscribe((event) => {
      if (event.type === 'tasksDeleted') {
        for (const id of event.ids) this.forget(id);
        return;
      }
      if (event.type === 'taskUpdated' && !event.stateChanged) return;
      this.record(event.task);
    });
  }

  /** The task's state changes seen by this server run, oldest first (empty when none). */
  of(id: string): readonly TaskHistoryEntry[] {
    const head = this.byTask.get(id);
    if (head === undefined) return [];
    const slab = this.slab;
    const entries: TaskHistoryEntry[] = [];
    for (let block = head, row = slab.skipped[head]!; block !== NONE; block = slab.next[block]!, row = 0) {
      const end = slab.used[block]!;
      for (; row < end; row++) {
        const at = block * BLOCK + row;
        const retryAt = slab.retryAt[at]!;
        entries.push({
          at: isoOf(slab.at[at]!),
          state: slab.state[at] as TaskState,
          status: slab.status[at] as string,
          attempt: slab.attempt[at]!,
          error: slab.error[at] as string | null,
          retryAt: Number.isNaN(retryAt) ? null : isoOf(retryAt),
        });
      }
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
    const slab = this.slab;
    let head: number | undefined = this.byTask.get(task.id);
    if (head === undefined) {
      head = slab.take();
      slab.tail[head] = head;
      this.byTask.set(task.id, head);
      this.order.push(task.id);
      this.trim();
    }
    let tail: number = slab.tail[head]!;
    if (slab.used[tail] === BLOCK) {
      const added = slab.take();
      slab.next[tail] = added;
      slab.tail[head] = tail = added;
    }
    slab.write(tail * BLOCK + slab.used[tail]!++, Date.now(), task);
    slab.count[head]!++;
    // Over its bound: the oldest change goes; a head block with nothing left goes back to the slab.
    while (slab.count[head]! > this.perTask) {
      slab.count[head]!--;
      if (++slab.skipped[head]! < slab.used[head]!) continue;
      const second: number = slab.next[head]!;
      if (second === NONE) break; // only with a bound below one change
      slab.tail[second] = slab.tail[head]!;
      slab.count[second] = slab.count[head]!;
      slab.skipped[second] = 0;
      slab.next[head] = NONE;
      slab.free(head);
      this.byTask.set(task.id, (head = second));
    }
  }

  /** Forgets one task's changes (deleted, or the oldest known over the bound). */
  private forget(id: string): boolean {
    const head = this.byTask.get(id);
    if (head === undefined) return false;
    this.byTask.delete(id);
    this.slab.free(head);
    return true;
  }

  /** Forgets the oldest-known tasks beyond `maxTasks`; O(1) amortised. */
  private trim(): void {
    // Stale ids (deleted tasks) are skipped: forget() answers false for them.
    while (this.byTask.size > this.maxTasks && this.order.length > 0) this.forget(this.order.shift());
    // Deletions can keep the Map small while ids pile up here: drop the stale ones once they are half.
    if (this.order.length > 2 * Math.max(this.byTask.size, 16)) this.order.retain((id) => this.byTask.has(id));
  }
}

/** Changes per block of the slab: most tasks change state three times (queued, running, final). */
const BLOCK = 4;
/** No block (end of a chain, or of the free list). */
const NONE = -1;

/**
 * Every kept change, in blocks of {@link BLOCK}, a task's blocks chained from its first one; one
 * column per field (times as numbers, NaN for no retry time), so that a change allocates nothing.
 * Freed blocks are reused; the columns grow by doubling and never shrink (at the default bounds,
 * ~2 MB at most for the usual three changes per task).
 */
class ChangeSlab {
  private blocks = 0;
  private capacity = 0;
  /** First free block, chained through `next`. */
  private freeList = NONE;
  // Per block.
  next = new Int32Array(0);
  used = new Uint8Array(0);
  // Per task, at its first block: its last block, its changes, and those dropped from the first block.
  tail = new Int32Array(0);
  count = new Int32Array(0);
  skipped = new Uint8Array(0);
  // Per change.
  at = new Float64Array(0);
  attempt = new Float64Array(0);
  retryAt = new Float64Array(0);
  state: Array<string | null> = [];
  status: Array<string | null> = [];
  error: Array<string | null> = [];

  /** An empty block, chained to nothing. */
  take(): number {
    let block = this.freeList;
    if (block !== NONE) this.freeList = this.next[block]!;
    else {
      if (this.blocks === this.capacity) this.grow();
      block = this.blocks++;
    }
    this.next[block] = NONE;
    this.used[block] = 0;
    this.count[block] = 0;
    this.skipped[block] = 0;
    return block;
  }

  /** Gives back a chain of blocks; their texts are let go (an error text can be long). */
  free(head: number): void {
    let block = head;
    for (;;) {
      for (let at = block * BLOCK, end = at + BLOCK; at < end; at++) this.status[at] = this.error[at] = this.state[at] = null;
      const next = this.next[block]!;
      if (next === NONE) break;
      block = next;
    }
    this.next[block] = this.freeList;
    this.freeList = head;
  }

  write(at: number, now: number, task: Readonly<TaskRecord>): void {
    this.at[at] = now;
    this.state[at] = task.state;
    this.status[at] = task.statusText;
    this.attempt[at] = task.attempt;
    this.error[at] = task.error;
    this.retryAt[at] = task.runAt ?? Number.NaN;
  }

  private grow(): void {
    const capacity = Math.max(256, this.capacity * 2);
    this.next = grown(this.next, new Int32Array(capacity));
    this.used = grown(this.used, new Uint8Array(capacity));
    this.tail = grown(this.tail, new Int32Array(capacity));
    this.count = grown(this.count, new Int32Array(capacity));
    this.skipped = grown(this.skipped, new Uint8Array(capacity));
    this.at = grown(this.at, new Float64Array(capacity * BLOCK));
    this.attempt = grown(this.attempt, new Float64Array(capacity * BLOCK));
    this.retryAt = grown(this.retryAt, new Float64Array(capacity * BLOCK));
    for (let at = this.capacity * BLOCK; at < capacity * BLOCK; at++) {
      this.state.push(null);
      this.status.push(null);
      this.error.push(null);
    }
    this.capacity = capacity;
  }
}

function grown<T extends Int32Array | Uint8Array | Float64Array>(old: T, into: T): T {
  into.set(old as never);
  return into;
}

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
