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

/**
 * What the list shows: one state or all (`null`), and the names containing `q` (`''`: any). The
 * owner's "All tasks" view adds a kind (jobs are kinds named by job id), a session (client id)
 * and a creation time range, `after` (inclusive) to `before` (exclusive), as `YYYY-MM-DDTHH:MM`
 * in UTC (what a datetime-local input gives, read as UTC so the server renders the same).
 */
export interface TaskFilter {
  state: TaskState | null;
  q: string;
  kind?: string;
  session?: string;
  after?: string;
  before?: string;
}

/** The owner's extra filters, in URL order. */
export const SCOPE_FILTER_KEYS = ['kind', 'session', 'after', 'before'] as const;
type ScopeKey = (typeof SCOPE_FILTER_KEYS)[number];

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** Epoch ms of a filter time (`YYYY-MM-DDTHH:MM[:SS]`, UTC), or null when blank or malformed. */
export function filterTime(value: string | undefined): number | null {
  if (!value || !LOCAL_TIME.test(value)) return null;
  const ms = Date.parse(`${value}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** A scope filter's value as kept: trimmed text, a well-formed time, else absent. */
function scopeValue(key: ScopeKey, raw: string | null | undefined): string | undefined {
  const value = raw?.trim() ?? '';
  if (value === '' || value.length > 128) return undefined;
  if ((key === 'after' || key === 'before') && filterTime(value) === null) return undefined;
  return value;
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
  return filter.state !== null || needle(filter.q) !== '' || SCOPE_FILTER_KEYS.some((key) => scopeValue(key, filter[key]) !== undefined);
}

/** Whether one task passes the filter. */
export function matchesFilter(task: TaskDto, filter: TaskFilter): boolean {
  if (filter.state !== null && task.state !== filter.state) return false;
  const n = needle(filter.q);
  if (n !== '' && !task.name.toLowerCase().includes(n)) return false;
  if (filter.kind && task.kind !== filter.kind.trim()) return false;
  if (filter.session && task.clientId !== filter.session.trim()) return false;
  const after = filterTime(filter.after);
  const before = filterTime(filter.before);
  if (after === null && before === null) return true;
  const created = Date.parse(task.createdAt);
  return (after === null || created >= after) && (before === null || created < before);
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
  const filter: TaskFilter = { state: isFilterState(state) ? state : null, q: q.trim() === '' ? '' : q.slice(0, MAX_QUERY_LENGTH) };
  for (const key of SCOPE_FILTER_KEYS) {
    const value = scopeValue(key, params.get(key));
    if (value !== undefined) filter[key] = value;
  }
  return filter;
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
  for (const key of SCOPE_FILTER_KEYS) {
    const value = scopeValue(key, filter[key]);
    if (value !== undefined) next.searchParams.set(key, value);
    else next.searchParams.delete(key);
  }
  return next;
}

/** Whether two filters show the same tasks. */
export function sameFilter(a: TaskFilter, b: TaskFilter): boolean {
  return a.state === b.state && needle(a.q) === needle(b.q) && SCOPE_FILTER_KEYS.every((key) => scopeValue(key, a[key]) === scopeValue(key, b[key]));
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
  const parts = [q === '' ? what : `${what} with “${q}” in the name`];
  if (filter.kind) parts.push(`of kind “${filter.kind}”`);
  if (filter.session) parts.push(`of session ${filter.session}`);
  if (filter.after) parts.push(`created from ${filter.after} UTC`);
  if (filter.before) parts.push(`created before ${filter.before} UTC`);
  return parts.join(' ');
}
