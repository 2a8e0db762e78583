import type { TaskState } from '../../protocol/messages.js';
import type { TaskCounts, TaskRecord } from '../../engine/task-record.js';
import { emptyCounts, listTasks } from '../../engine/task-rules.js';
import type { TaskList, TaskQuery } from '../../engine/task-service.js';

/**
 * A node's copy of the cluster's tasks, kept current by the events stream: lists, counts and
 * lookups are answered from memory, with the same shapes and filters as the embedded engine.
 * It trails Redis by the time an event takes to arrive (milliseconds); the node that made a
 * change applies it at once, so its own answers never trail its own writes.
 */
export class TaskReplica {
  /** In submission order (oldest first), as the embedded engine keeps them. */
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly counters: TaskCounts = emptyCounts();
  private readonly queuedByClient = new Map<string, number>();

  /** Replaces everything with what Redis holds (at start). */
  load(tasks: readonly TaskRecord[]): void {
    this.tasks.clear();
    Object.assign(this.counters, emptyCounts());
    this.queuedByClient.clear();
    for (const task of [...tasks].sort((a, b) => a.createdAt - b.createdAt)) this.set(task);
  }

  /** A task's latest state. */
  set(task: TaskRecord): void {
    const previous = this.tasks.get(task.id);
    if (previous) this.count(previous.state, previous.clientId, -1);
    this.tasks.set(task.id, task);
    this.count(task.state, task.clientId, 1);
  }

  /** Tasks deleted. */
  remove(ids: readonly string[]): void {
    for (const id of ids) {
      const task = this.tasks.get(id);
      if (!task) continue;
      this.count(task.state, task.clientId, -1);
      this.tasks.delete(id);
    }
  }

  get(id: string): TaskRecord | undefined {
    return this.tasks.get(id);
  }

  list(query: TaskQuery = {}): TaskList {
    return listTasks(this.tasks.values(), query);
  }

  /** A session's tasks (all, oldest first). */
  ofSession(clientId: string): TaskRecord[] {
    return [...this.tasks.values()].filter((task) => task.clientId === clientId);
  }

  counts(): TaskCounts {
    return { ...this.counters };
  }

  queuedFor(clientId: string): number {
    return this.queuedByClient.get(clientId) ?? 0;
  }

  private count(state: TaskState, clientId: string, delta: 1 | -1): void {
    this.counters[state] += delta;
    if (state !== 'queued') return;
    const next = (this.queuedByClient.get(clientId) ?? 0) + delta;
    if (next > 0) this.queuedByClient.set(clientId, next);
    else this.queuedByClient.delete(clientId);
  }
}
