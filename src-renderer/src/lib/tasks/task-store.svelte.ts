/** The session's tasks as reactive state, updated only through the pure functions of task-list. */
import type { TaskDto } from '../protocol.js';
import { addIfAbsent, applySnapshot, clearFinished, countTasks, mergeTask, removeTasks, type TaskList } from './task-list.js';

/** Reactive list of the session's tasks, newest first, with counts by state. */
export class TaskStore {
  /** Tasks shown, newest first. Replaced (never mutated) on every change. */
  tasks = $state.raw<TaskList>([]);
  /** Finished tasks up to this server time are hidden ("clear finished"). */
  clearedThrough = $state<string | null>(null);
  /** Counts by state of the tasks shown. */
  counts = $derived(countTasks(this.tasks));
  /** How many shown tasks are finished (what "clear finished" would remove). */
  finished = $derived(this.counts.completed + this.counts.failed + this.counts.cancelled);

  readonly #now: () => number;
  /** When each task's current progress was first seen (server clock), for smooth ETAs. */
  readonly #progressAt = new Map<string, { progress: number; startedAt: string | null; at: number }>();

  /**
   * @param initial tasks from the server-rendered page, newest first
   * @param clearedThrough the "clear finished" mark from the cookie
   * @param now the current time on the server's clock
   */
  constructor(initial: TaskList, clearedThrough: string | null, now: () => number) {
    this.tasks = initial;
    this.clearedThrough = clearedThrough;
    this.#now = now;
  }

  /**
   * Merges a live update; returns the task as it was before (undefined if new) when it changed,
   * else `null`. `ordered`: the update is known to be newer (sequence numbers), see `mergeTask`.
   */
  merge(task: TaskDto, ordered = false): { previous: TaskDto | undefined } | null {
    const before = this.tasks;
    const previous = before.find((t) => t.id === task.id);
    const after = mergeTask(before, task, { clearedThrough: this.clearedThrough, ordered });
    if (after === before) return null;
    this.tasks = after;
    this.#noteProgress(task);
    return { previous };
  }

  /** Shows a task just started, unless its own messages got here first. */
  addPlaceholder(task: TaskDto): void {
    this.tasks = addIfAbsent(this.tasks, task);
  }

  /** Brings the list up to date with a snapshot sent after a (re)connect. */
  applySnapshot(tasks: readonly TaskDto[]): void {
    this.tasks = applySnapshot(this.tasks, tasks, this.clearedThrough);
    for (const task of this.tasks) this.#noteProgress(task);
  }

  /** Drops tasks the server deleted. */
  remove(ids: readonly string[]): void {
    this.tasks = removeTasks(this.tasks, ids);
  }

  /** Hides finished tasks; returns the new mark to persist. */
  clearFinished(): string | null {
    const result = clearFinished(this.tasks, this.clearedThrough);
    this.tasks = result.list;
    this.clearedThrough = result.clearedThrough;
    return result.clearedThrough;
  }

  /** When the task's current progress was reported (server clock), if seen live. */
  progressAt(task: TaskDto): number | null {
    const seen = this.#progressAt.get(task.id);
    return seen && seen.progress === task.progress && seen.startedAt === task.startedAt ? seen.at : null;
  }

  #noteProgress(task: TaskDto): void {
    if (task.state !== 'running') {
      this.#progressAt.delete(task.id);
      return;
    }
    const seen = this.#progressAt.get(task.id);
    if (!seen || seen.progress !== task.progress || seen.startedAt !== task.startedAt) {
      this.#progressAt.set(task.id, { progress: task.progress, startedAt: task.startedAt, at: this.#now() });
    }
  }
}
