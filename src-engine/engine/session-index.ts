import type { TaskRecord } from './task-record.js';

/** Sessions whose task sets are kept at most; the least recently listed is dropped past it. */
const DEFAULT_MAX_SESSIONS = 4096;

/**
 * Each listed session's tasks, so that a session's list (GET /api/tasks, the WebSocket snapshot)
 * walks that session's tasks instead of every task the engine holds (~250 µs at 50,000 held for
 * a session with none). Kept only for sessions that were listed: while none is, a submit or a
 * forget costs one size check, so engine throughput does not pay for it. A session's set is made
 * by one scan at its first list, then kept exact by {@link added} and {@link removed}, which the
 * engine calls wherever a task enters or leaves its map; sets are in the map's order (insertion),
 * so a list reads the same either way. Bounded: past `maxSessions`, the session listed longest
 * ago is dropped (its next list scans once more).
 */
export class SessionIndex {
  /** Insertion order is recency of listing: the first entry is the next to drop. */
  private readonly bySession = new Map<string, Set<TaskRecord>>();

  constructor(private readonly maxSessions = DEFAULT_MAX_SESSIONS) {}

  /** A task entered the engine's map (appended at its end). */
  added(task: TaskRecord): void {
    if (this.bySession.size === 0) return;
    this.bySession.get(task.clientId)?.add(task);
  }

  /** A task left the engine's map. */
  removed(task: TaskRecord): void {
    if (this.bySession.size === 0) return;
    this.bySession.get(task.clientId)?.delete(task);
  }

  /**
   * The session's tasks in the engine map's order (oldest first). `all` is that map, scanned only
   * when the session has no set yet. The set is live: copy it before changing tasks.
   */
  tasksOf(clientId: string, all: ReadonlyMap<string, TaskRecord>): ReadonlySet<TaskRecord> {
    let tasks = this.bySession.get(clientId);
    if (tasks) {
      // Most recently listed last (a Map keeps insertion order): O(1), no timestamps.
      this.bySession.delete(clientId);
      this.bySession.set(clientId, tasks);
      return tasks;
    }
    tasks = new Set();
    for (const task of all.values()) if (task.clientId === clientId) tasks.add(task);
    if (this.bySession.size >= this.maxSessions) this.bySession.delete(this.bySession.keys().next().value!);
    this.bySession.set(clientId, tasks);
    return tasks;
  }

  /** Sessions with a set (tests). */
  get size(): number {
    return this.bySession.size;
  }
}
