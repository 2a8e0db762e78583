/** The session's tasks as reactive state, updated only through the pure functions of task-list. */
import type { TaskDto, TaskState } from '../protocol.js';
import { addCounts, addIfAbsent, addMissing, applySnapshot, countTasks, finishedIds, isFinal, mergeTask, NO_COUNTS, removeTasks, subtractCounts, type TaskCounts, type TaskList } from './task-list.js';

/** Most tasks the server puts in a `snapshot` (its newest); a shorter snapshot is the whole session. */
export const SNAPSHOT_LIMIT = 200;

/** Reactive list of the session's tasks, newest first, with counts by state. */
export class TaskStore {
  /** The session's tasks the page holds (its newest, plus older ones a search loaded), newest first. Replaced (never mutated) on every change. */
  tasks = $state.raw<TaskList>([]);
  /** How many tasks the session has on the server, loaded or not (as last told, kept up to date live). */
  total = $state(0);
  /** Tasks on the server but not held, by state (the server's counts minus what the page held then). */
  unheld = $state.raw<TaskCounts>(NO_COUNTS);
  /**
   * Counts by state of the session's tasks on the server (whatever the filter shows): those held,
   * counted live, plus those the page does not hold, as the server last said.
   */
  counts = $derived(addCounts(countTasks(this.#counted(this.tasks)), this.unheld));
  /**
   * Which held tasks the counts cover; all when null. The owner's "All tasks" narrowed by kind,
   * session or time counts only those (the server's counts follow the same filters), while the
   * live feed brings every session's tasks.
   */
  countScope = $state.raw<((task: TaskDto) => boolean) | null>(null);
  /**
   * Set when a change may have made {@link counts} drift from the server's (a task not held was
   * deleted, or showed up from an update): the page should ask the server for its counts again.
   */
  countsStale = $state(false);
  /** How many held tasks are finished (what "clear finished" deletes, of what the page holds). */
  finished = $derived(this.counts.completed + this.counts.failed + this.counts.cancelled);

  readonly #now: () => number;
  /** When each task's current progress was first seen (server clock), for smooth ETAs. */
  readonly #progressAt = new Map<string, { progress: number; startedAt: string | null; at: number }>();
  /** Tasks known to be deleted: never shown again, and counted out of {@link total} once. */
  readonly #gone = new Set<string>();

  /**
   * @param initial tasks from the server-rendered page, newest first
   * @param total how many tasks the session has (the list answer's `total`)
   * @param now the current time on the server's clock
   */
  constructor(initial: TaskList, total: number, now: () => number, serverCounts?: TaskCounts) {
    this.tasks = initial;
    this.total = Math.max(total, initial.length);
    this.#now = now;
    if (serverCounts) this.setServerCounts(serverCounts);
  }

  /**
   * Takes the server's counts by state (of a list answer or snapshot, as of now): what the page
   * does not hold is their difference with what it holds.
   */
  setServerCounts(server: TaskCounts): void {
    this.unheld = subtractCounts(server, countTasks(this.#counted(this.tasks)));
    this.countsStale = false;
  }

  /**
   * Merges a live update; returns the task as it was before (undefined if new) when it changed,
   * else `null`. `ordered`: the update is known to be newer (sequence numbers), see `mergeTask`.
   * `created`: the message announces a new task (`taskQueued`), so an unknown id adds to the total
   * (other messages can bring in an older task that simply was not loaded).
   */
  merge(task: TaskDto, options: { ordered?: boolean; created?: boolean } = {}): { previous: TaskDto | undefined } | null {
    if (this.#gone.has(task.id)) return null;
    const before = this.tasks;
    const previous = before.find((t) => t.id === task.id);
    const after = mergeTask(before, task, { ordered: options.ordered ?? false });
    if (after === before) return null;
    this.tasks = after;
    if (previous === undefined && options.created) this.total += 1;
    // A task not held, now updated: it was counted among the unheld in a state we cannot know.
    if (previous === undefined && !options.created && this.#anyUnheld()) this.countsStale = true;
    this.#noteProgress(task);
    return { previous };
  }

  /** Shows a task just started, unless its own messages got here first. */
  addPlaceholder(task: TaskDto): void {
    if (this.#gone.has(task.id)) return;
    const before = this.tasks;
    this.tasks = addIfAbsent(before, task);
    if (this.tasks !== before) this.total += 1;
  }

  /** Adds tasks of a list page (older ones a search found) that the page does not hold yet. */
  addLoaded(tasks: readonly TaskDto[]): void {
    this.tasks = addMissing(this.tasks, tasks, this.#gone);
    this.total = Math.max(this.total, this.tasks.length);
  }

  /** Brings the list up to date with a snapshot sent after a (re)connect. */
  applySnapshot(tasks: readonly TaskDto[], serverCounts?: TaskCounts): void {
    const complete = tasks.length < SNAPSHOT_LIMIT;
    this.tasks = applySnapshot(this.tasks, tasks, complete);
    if (serverCounts) this.setServerCounts(serverCounts);
    else if (complete) this.unheld = NO_COUNTS;
    this.total = complete ? this.tasks.length : Math.max(this.total, this.tasks.length);
    for (const task of this.tasks) this.#noteProgress(task);
  }

  /**
   * Drops deleted tasks: announced by the server (`tasksDeleted`, any tab of the session) or
   * confirmed by a delete request of this page. Each id counts out of the total once, whether
   * the page held it or not.
   */
  remove(ids: readonly string[]): void {
    let newlyGone = 0;
    const held = new Set(this.tasks.map((task) => task.id));
    for (const id of ids) {
      if (this.#gone.has(id)) continue;
      if (!held.has(id) && this.#anyUnheld()) this.countsStale = true;
      this.#gone.add(id);
      newlyGone += 1;
      this.#progressAt.delete(id);
    }
    this.tasks = removeTasks(this.tasks, ids);
    this.total = Math.max(this.tasks.length, this.total - newlyGone);
  }

  /** The ids of the finished tasks held (of one final state, or all). */
  finishedIds(state: TaskState | null = null): string[] {
    return finishedIds(this.tasks, state);
  }

  /** Of `ids`, those still held as finished (a task retried meanwhile is not among them). */
  stillFinished(ids: readonly string[]): string[] {
    const wanted = new Set(ids);
    return this.tasks.filter((task) => wanted.has(task.id) && isFinal(task.state)).map((task) => task.id);
  }

  #counted(tasks: TaskList): TaskList {
    const scope = this.countScope;
    return scope === null ? tasks : tasks.filter(scope);
  }

  #anyUnheld(): boolean {
    return Object.values(this.unheld).some((n) => n > 0);
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
