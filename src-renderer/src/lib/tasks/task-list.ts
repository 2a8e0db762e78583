/**
 * The session's task list as plain, immutable data: merging server messages into it, snapshots,
 * clearing finished tasks and counting by state. Every function is pure and returns the same
 * array when nothing changed, so a `$state.raw` holder re-renders only on real changes.
 */
import type { TaskDto, TaskState } from '../protocol.js';

/** A list of tasks, newest first (by `createdAt`, then id). */
export type TaskList = readonly TaskDto[];

/** Number of tasks in each state. */
export type TaskCounts = Record<TaskState, number>;

const FINAL: ReadonlySet<TaskState> = new Set<TaskState>(['completed', 'failed', 'cancelled']);

/** Whether a task is in a state it never leaves (completed, failed, cancelled). */
export function isFinal(state: TaskState): boolean {
  return FINAL.has(state);
}

/** Lifecycle order: a task only moves forward through these ranks within one attempt. */
function rank(state: TaskState): number {
  return state === 'queued' ? 0 : state === 'running' ? 1 : 2;
}

function time(iso: string | null): number | null {
  if (iso === null) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/**
 * Whether `incoming` may replace `current` (same id) when nothing else orders them (no sequence
 * numbers): it must not look older.
 *
 * - A higher `attempt` is a newer run (an automatic retry, or a re-run after an interruption);
 *   a lower one is an older run's late message.
 * - Within one attempt, state only moves forward (queued, running, final): a lower rank is older.
 * - While running, progress only grows: a lower progress is older.
 * Equal updates are accepted, so a repeated message is harmless.
 */
export function isNotOlder(incoming: TaskDto, current: TaskDto): boolean {
  const inAttempt = incoming.attempt ?? 1;
  const curAttempt = current.attempt ?? 1;
  if (inAttempt !== curAttempt) return inAttempt > curAttempt;
  const inRank = rank(incoming.state);
  const curRank = rank(current.state);
  if (inRank !== curRank) return inRank > curRank;
  if (incoming.state === 'running') return incoming.progress >= current.progress;
  return true;
}

/** Newest first: later `createdAt` first, ties by id descending, so the order is total and stable. */
export function compareNewestFirst(a: TaskDto, b: TaskDto): number {
  const ta = time(a.createdAt) ?? 0;
  const tb = time(b.createdAt) ?? 0;
  if (ta !== tb) return tb - ta;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** A new list sorted newest first (the input is not modified). */
export function sortNewestFirst(tasks: readonly TaskDto[]): TaskList {
  return [...tasks].sort(compareNewestFirst);
}

function sameTask(a: TaskDto, b: TaskDto): boolean {
  return (
    a.state === b.state &&
    a.progress === b.progress &&
    a.status === b.status &&
    a.result === b.result &&
    a.error === b.error &&
    a.startedAt === b.startedAt &&
    a.attempt === b.attempt &&
    a.retryAt === b.retryAt &&
    a.completedAt === b.completedAt &&
    a.name === b.name &&
    a.createdAt === b.createdAt
  );
}

/** Options of {@link mergeTask}. */
export interface MergeOptions {
  /** The "clear finished" mark: finished tasks up to it stay hidden. */
  clearedThrough?: string | null;
  /**
   * The update is known to be the newest (it came in sequence-number order after what the list
   * holds), so it applies even when it looks like a step back, e.g. a manual retry that takes a
   * failed task back to queued. Otherwise {@link isNotOlder} decides.
   */
  ordered?: boolean;
}

/**
 * Merges one task (from `taskQueued`, `taskProgress` or a start response) into the list: added if
 * new, replaced if newer, else ignored. Returns `list` itself when unchanged. Tasks hidden by
 * {@link clearFinished} (finished at or before `clearedThrough`) stay hidden.
 */
export function mergeTask(list: TaskList, incoming: TaskDto, options: MergeOptions = {}): TaskList {
  const clearedThrough = options.clearedThrough ?? null;
  const index = list.findIndex((task) => task.id === incoming.id);
  if (index < 0) {
    if (isHidden(incoming, clearedThrough)) return list;
    return insertSorted(list, incoming);
  }
  const current = list[index]!;
  if (sameTask(incoming, current) || (!options.ordered && !isNotOlder(incoming, current))) return list;
  if (isHidden(incoming, clearedThrough)) return list.filter((task) => task.id !== incoming.id);
  if (incoming.createdAt !== current.createdAt) {
    // Only a placeholder's (client clock) createdAt differs from the server's: re-place it.
    return insertSorted(list.filter((task) => task.id !== incoming.id), incoming);
  }
  const next = [...list];
  next[index] = incoming;
  return next;
}

function insertSorted(list: TaskList, task: TaskDto): TaskList {
  const next = [...list];
  let at = next.findIndex((other) => compareNewestFirst(task, other) < 0);
  if (at < 0) at = next.length;
  next.splice(at, 0, task);
  return next;
}

/** Adds a task only if the list does not have it yet (a start response racing its own messages). */
export function addIfAbsent(list: TaskList, task: TaskDto): TaskList {
  return list.some((t) => t.id === task.id) ? list : insertSorted(list, task);
}

/**
 * Brings the list up to date with a `snapshot`: the server's view of the session (its newest
 * tasks) as of the latest sequence number, so newer than anything the page holds. It replaces
 * the list, keeping the objects of unchanged tasks (no needless re-rendering) and the
 * "clear finished" mark.
 */
export function applySnapshot(list: TaskList, snapshot: readonly TaskDto[], clearedThrough: string | null = null): TaskList {
  const byId = new Map(list.map((task) => [task.id, task]));
  const next = sortNewestFirst(
    snapshot
      .filter((task) => !isHidden(task, clearedThrough))
      .map((task) => {
        const current = byId.get(task.id);
        return current && sameTask(task, current) ? current : task;
      }),
  );
  return next.length === list.length && next.every((task, i) => task === list[i]) ? list : next;
}

/** Removes tasks by id (the server deleted them). Returns `list` itself when none were there. */
export function removeTasks(list: TaskList, ids: readonly string[]): TaskList {
  const gone = new Set(ids);
  const next = list.filter((task) => !gone.has(task.id));
  return next.length === list.length ? list : next;
}

/** When a finished task finished (its `completedAt`, else its `createdAt`), in epoch ms. */
function finishedAt(task: TaskDto): number {
  return time(task.completedAt) ?? time(task.createdAt) ?? 0;
}

/**
 * Whether a task is hidden by an earlier "clear finished": finished, and finished no later than
 * the `clearedThrough` mark (an ISO time, server clock). Unfinished tasks are never hidden.
 */
export function isHidden(task: TaskDto, clearedThrough: string | null): boolean {
  if (clearedThrough === null || !isFinal(task.state)) return false;
  const mark = time(clearedThrough);
  return mark !== null && finishedAt(task) <= mark;
}

/**
 * Removes finished tasks from the view. Returns the new list and the new `clearedThrough` mark
 * (the latest finish time among the removed tasks, server clock), which keeps them hidden when a
 * snapshot or a reload brings them back. The mark never moves backwards.
 */
export function clearFinished(list: TaskList, clearedThrough: string | null = null): { list: TaskList; clearedThrough: string | null } {
  let mark = time(clearedThrough);
  const kept: TaskDto[] = [];
  for (const task of list) {
    if (isFinal(task.state)) {
      const at = finishedAt(task);
      if (mark === null || at > mark) mark = at;
    } else {
      kept.push(task);
    }
  }
  return {
    list: kept.length === list.length ? list : kept,
    clearedThrough: mark === null ? null : new Date(mark).toISOString(),
  };
}

/** Counts the tasks by state. */
export function countTasks(list: TaskList): TaskCounts {
  const counts: TaskCounts = { queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const task of list) counts[task.state] += 1;
  return counts;
}

/**
 * The task a successful `POST /api/task/start` stands for, until the server's own messages
 * arrive (they replace it, being never older). Lets the list show the task even while offline.
 */
export function placeholderTask(input: {
  id: string;
  name: string;
  clientId: string;
  duration: number | null;
  parameters: Record<string, unknown>;
  createdAt: string;
}): TaskDto {
  return {
    id: input.id,
    name: input.name,
    status: 'Queued',
    progress: 0,
    result: null,
    error: null,
    createdAt: input.createdAt,
    startedAt: null,
    completedAt: null,
    clientId: input.clientId,
    state: 'queued',
    kind: 'demo',
    parameters: input.parameters,
    duration: input.duration,
    attempt: 1,
    maxAttempts: 1,
    priority: 0,
    retryAt: null,
  };
}

/**
 * A one-line description of how a task changed, for the log; `null` when only progress moved
 * within the same state (too chatty to log).
 */
export function describeTransition(previous: TaskDto | undefined, next: TaskDto): string | null {
  if (previous && previous.state === next.state && previous.attempt === next.attempt) return null;
  const name = `"${next.name}"`;
  switch (next.state) {
    case 'queued':
      if (next.retryAt !== null) return `Task ${name} will retry (attempt ${next.attempt}/${next.maxAttempts}): ${next.error ?? 'failed'}`;
      return previous && previous.state !== 'queued' ? `Task ${name} queued again` : `Task ${name} queued`;
    case 'running':
      return next.attempt > 1 ? `Task ${name} started (attempt ${next.attempt}/${next.maxAttempts})` : `Task ${name} started`;
    case 'completed':
      return `Task ${name} completed`;
    case 'failed':
      return `Task ${name} failed: ${next.error ?? 'unknown error'}`;
    case 'cancelled':
      return `Task ${name} cancelled`;
  }
}
