/**
 * Narrowing the task list: by state and by a name search (case-insensitive substring), and the
 * filter's place in the page URL (`?state=failed&q=report`), so a reload or a shared link shows
 * the same view and the server renders it in the first HTML. Pure.
 */
import type { TaskDto, TaskState } from '../protocol.js';
import type { TaskCounts, TaskList } from './task-list.js';

/** The states one can filter by, in lifecycle order. */
export const FILTER_STATES: readonly TaskState[] = ['scheduled', 'queued', 'running', 'completed', 'failed', 'cancelled'];

/** Longest search text kept (the list API refuses longer ones). */
export const MAX_QUERY_LENGTH = 200;

/** What the list shows: one state or all (`null`), and the names containing `q` (`''`: any). */
export interface TaskFilter {
  state: TaskState | null;
  q: string;
}

/** Everything shown. */
export const NO_FILTER: TaskFilter = { state: null, q: '' };

const STATES: ReadonlySet<string> = new Set(FILTER_STATES);

/** Whether a value is a state one can filter by. */
export function isFilterState(value: unknown): value is TaskState {
  return typeof value === 'string' && STATES.has(value);
}

/** The search text as matched: trimmed, capped, lower-cased. */
function needle(q: string): string {
  return q.trim().slice(0, MAX_QUERY_LENGTH).toLowerCase();
}

/** Whether the filter narrows anything. */
export function isFiltering(filter: TaskFilter): boolean {
  return filter.state !== null || needle(filter.q) !== '';
}

/** Whether one task passes the filter. */
export function matchesFilter(task: TaskDto, filter: TaskFilter): boolean {
  if (filter.state !== null && task.state !== filter.state) return false;
  const n = needle(filter.q);
  return n === '' || task.name.toLowerCase().includes(n);
}

/** The tasks that pass the filter, in list order; `list` itself when nothing is filtered. */
export function filterTasks(list: TaskList, filter: TaskFilter): TaskList {
  if (!isFiltering(filter)) return list;
  return list.filter((task) => matchesFilter(task, filter));
}

/**
 * The filter a URL asks for. Unknown states and blank searches mean "all"; a search is kept as
 * typed (only capped), so the input shows what the person wrote.
 */
export function readFilter(params: URLSearchParams): TaskFilter {
  const state = params.get('state');
  const q = params.get('q') ?? '';
  return { state: isFilterState(state) ? state : null, q: q.trim() === '' ? '' : q.slice(0, MAX_QUERY_LENGTH) };
}

/**
 * Writes the filter into a URL's query, keeping its other parameters: `state` and `q` are set
 * when they narrow, and removed otherwise. Returns a new URL.
 */
export function withFilter(url: URL, filter: TaskFilter): URL {
  const next = new URL(url);
  if (filter.state !== null) next.searchParams.set('state', filter.state);
  else next.searchParams.delete('state');
  const q = filter.q.trim() === '' ? '' : filter.q.slice(0, MAX_QUERY_LENGTH);
  if (q !== '') next.searchParams.set('q', q);
  else next.searchParams.delete('q');
  return next;
}

/** Whether two filters show the same tasks. */
export function sameFilter(a: TaskFilter, b: TaskFilter): boolean {
  return a.state === b.state && needle(a.q) === needle(b.q);
}

/** How many tasks "all" or a given state stands for, for the filter's labels. */
export function countFor(counts: TaskCounts, state: TaskState | null): number {
  if (state !== null) return counts[state];
  return FILTER_STATES.reduce((sum, s) => sum + counts[s], 0);
}

/**
 * The line under the list's heading: how much of the session is on screen. `shown` tasks pass
 * the filter, `loaded` are in the page, `total` are in the session (as the server last said).
 * `null` when everything is shown and nothing is filtered.
 */
export function listSummary(input: { shown: number; loaded: number; total: number; filtering: boolean }): string | null {
  const total = Math.max(input.total, input.loaded);
  const tasks = (n: number) => `${n} task${n === 1 ? '' : 's'}`;
  if (!input.filtering) return input.loaded < total ? `Showing the newest ${input.loaded} of ${tasks(total)}` : null;
  return `Showing ${input.shown} of ${tasks(total)}`;
}

/** An active filter in words, for the empty state: e.g. `failed tasks with “report” in the name`. */
export function describeFilter(filter: TaskFilter): string {
  const what = filter.state === null ? 'tasks' : `${filter.state} tasks`;
  const q = filter.q.trim();
  return q === '' ? what : `${what} with “${q}” in the name`;
}
