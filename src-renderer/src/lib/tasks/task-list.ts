/**
 * The session's task list as plain, immutable data: merging server messages into it, snapshots,
 * deletions and counting by state. Every function is pure and returns the same array when
 * nothing changed, so a `$state.raw` holder re-renders only on real changes.
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
  /**
   * The update is known to be the newest (it came in sequence-number order after what the list
   * holds), so it applies even when it looks like a step back, e.g. a manual retry that takes a
   * failed task back to queued. Otherwise {@link isNotOlder} decides.
   */
  ordered?: boolean;
}

/**
 * Merges one task (from `taskQueued`, `taskProgress` or a start response) into the list: added if
 * new, replaced if newer, else ignored. Returns `list` itself when unchanged.
 */
export function mergeTask(list: TaskList, incoming: TaskDto, options: MergeOptions = {}): TaskList {
  const index = list.findIndex((task) => task.id === incoming.id);
  if (index < 0) return insertSorted(list, incoming);
  const current = list[index]!;
  if (sameTask(incoming, current) || (!options.ordered && !isNotOlder(incoming, current))) return list;
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
 * Adds the tasks of a list page (`GET /api/tasks`, e.g. older tasks matching a search) that the
 * list does not have yet. Tasks it has are left alone: its copy came live and is at least as new
 * as a page read over HTTP. Ids in `gone` (deleted) are not brought back.
 */
export function addMissing(list: TaskList, page: readonly TaskDto[], gone: ReadonlySet<string> = new Set()): TaskList {
  const have = new Set(list.map((task) => task.id));
  const fresh = page.filter((task) => !have.has(task.id) && !gone.has(task.id));
  if (fresh.length === 0) return list;
  return sortNewestFirst(dedupe([...list, ...fresh]));
}

function dedupe(tasks: readonly TaskDto[]): TaskDto[] {
  const seen = new Set<string>();
  return tasks.filter((task) => (seen.has(task.id) ? false : (seen.add(task.id), true)));
}

/**
 * Brings the list up to date with a `snapshot`: the server's view of the session's newest tasks
 * as of the latest sequence number, so newer than anything the page holds. It replaces the list,
 * keeping the objects of unchanged tasks (no needless re-rendering).
 *
 * A `complete` snapshot holds every task of the session. Otherwise it holds only the newest ones
 * (the server caps it), and the list's tasks older than its oldest (loaded earlier, e.g. by a
 * search) are kept: the snapshot says nothing about them.
 */
export function applySnapshot(list: TaskList, snapshot: readonly TaskDto[], complete = true): TaskList {
  const byId = new Map(list.map((task) => [task.id, task]));
  const fresh = sortNewestFirst(dedupe(snapshot)).map((task) => {
    const current = byId.get(task.id);
    return current && sameTask(task, current) ? current : task;
  });
  const oldest = fresh.at(-1);
  const inSnapshot = new Set(fresh.map((task) => task.id));
  const older = complete || oldest === undefined ? [] : list.filter((task) => compareNewestFirst(task, oldest) > 0 && !inSnapshot.has(task.id));
  const next = older.length === 0 ? fresh : [...fresh, ...older];
  return next.length === list.length && next.every((task, i) => task === list[i]) ? list : next;
}

/** Removes tasks by id (the server deleted them). Returns `list` itself when none were there. */
export function removeTasks(list: TaskList, ids: readonly string[]): TaskList {
  const gone = new Set(ids);
  const next = list.filter((task) => !gone.has(task.id));
  return next.length === list.length ? list : next;
}

/**
 * The ids of the list's finished tasks (of one final state, or all of them): what "clear
 * finished" deletes of what the page holds.
 */
export function finishedIds(list: TaskList, state: TaskState | null = null): string[] {
  return list.filter((task) => isFinal(task.state) && (state === null || task.state === state)).map((task) => task.id);
}

/** Zero tasks in every state. */
export const NO_COUNTS: Readonly<TaskCounts> = Object.freeze({ scheduled: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 });

/** Sum of two counts, state by state. */
export function addCounts(a: TaskCounts, b: TaskCounts): TaskCounts {
  return { scheduled: a.scheduled + b.scheduled, queued: a.queued + b.queued, running: a.running + b.running, completed: a.completed + b.completed, failed: a.failed + b.failed, cancelled: a.cancelled + b.cancelled };
}

/** `a - b` state by state, never below zero. */
export function subtractCounts(a: TaskCounts, b: TaskCounts): TaskCounts {
  const d = (s: keyof TaskCounts) => Math.max(0, a[s] - b[s]);
  return { scheduled: d('scheduled'), queued: d('queued'), running: d('running'), completed: d('completed'), failed: d('failed'), cancelled: d('cancelled') };
}

/** Counts the tasks by state. */
export function countTasks(list: TaskList): TaskCounts {
  const counts: TaskCounts = { scheduled: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
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
  priority?: number | undefined;
  maxAttempts?: number | undefined;
  /** The job it runs (its kind too), if any. */
  job?: string | undefined;
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
    kind: input.job ?? 'demo',
    parameters: input.parameters,
    duration: input.duration,
    attempt: 1,
    maxAttempts: input.maxAttempts ?? 1,
    priority: input.priority ?? 0,
    retryAt: null,
    runAt: null,
    job: input.job ?? null,
    scheduleId: null,
    waitReason: null,
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
    case 'scheduled':
      return `Task ${name} scheduled${next.runAt === null ? '' : ` for ${next.runAt}`}`;
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

/**
 * `attempt k/max` for a task that may run more than once or already did, else `null`. A task
 * re-run after an interruption can be past its budget (the engine allows such re-runs): then
 * only `attempt k`.
 */
export function attemptLabel(task: TaskDto): string | null {
  if (task.maxAttempts <= 1 && task.attempt <= 1) return null;
  return task.attempt > task.maxAttempts ? `attempt ${task.attempt}` : `attempt ${task.attempt}/${task.maxAttempts}`;
}

/** `priority +3` / `priority -2` for a task that does not have the default priority 0, else `null`. */
export function priorityLabel(task: TaskDto): string | null {
  return task.priority === 0 ? null : `priority ${task.priority > 0 ? '+' : ''}${task.priority}`;
}
