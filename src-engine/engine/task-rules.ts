import { newTaskId } from './task-id.js';
import type { ControlResult } from './engine-results.js';
import type { TaskState } from '../protocol/messages.js';
import type { TaskQuery } from './task-service.js';
import type { TaskCounts, TaskRecord, TaskSubmission } from './task-record.js';

/**
 * The rules every backend applies alike to task records: how a submission becomes a record, how
 * a run is reset, which tasks a query matches, and the refusals of control requests.
 */

/** Status text of a task waiting for its `runAt`. */
export const SCHEDULED_STATUS = 'Scheduled';
/** States a task never leaves by itself. */
export const FINAL_STATES: ReadonlySet<TaskState> = new Set(['completed', 'failed', 'cancelled']);

export function newTaskRecord(submission: TaskSubmission, kind: string, parameters: Record<string, unknown>, maxAttempts: number, now: number): TaskRecord {
  const later = submission.runAt !== undefined && submission.runAt > now;
  const record: TaskRecord = {
    id: newTaskId(),
    name: submission.name,
    kind,
    parameters,
    clientId: submission.clientId,
    state: later ? 'scheduled' : 'queued',
    progress: 0,
    statusText: later ? SCHEDULED_STATUS : 'Queued',
    result: null,
    error: null,
    createdAt: now,
    startedAt: null,
    completedAt: null,
    attempt: 1,
    maxAttempts,
    priority: submission.priority ?? 0,
    runAt: later ? submission.runAt! : null,
    job: null,
  };
  // Added after, not spread into the literal: a spread made every record (most have no schedule)
  // a generic copy instead of a literal's ready-made shape.
  if (submission.scheduleId !== undefined) (record as { scheduleId?: string }).scheduleId = submission.scheduleId;
  return record;
}

export function emptyCounts(): TaskCounts {
  return { scheduled: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
}

/** Clears what a previous run left, ready for run number `attempt`. */
export function resetForRun(task: TaskRecord, attempt: number): void {
  task.attempt = attempt;
  task.progress = 0;
  task.statusText = 'Queued';
  task.result = null;
  task.error = null;
  task.startedAt = null;
  task.completedAt = null;
  task.runAt = null;
}

export function notFound(id: string): ControlResult {
  return { ok: false, reason: 'not-found', message: `No task with id ${id}` };
}

export function invalidState(task: TaskRecord, action: string): ControlResult {
  return { ok: false, reason: 'invalid-state', message: `Cannot ${action} task ${task.id}: it is ${task.state}` };
}

export function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return typeof reason === 'string' ? reason : 'Unknown error';
}

export function toResultText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Whether a task passes a query's kind and creation-time bounds. */
export function inScope(task: TaskRecord, query: TaskQuery): boolean {
  if (query.kind !== undefined && task.kind !== query.kind) return false;
  if (query.createdAfter !== undefined && task.createdAt < query.createdAfter) return false;
  return query.createdBefore === undefined || task.createdAt < query.createdBefore;
}

/**
 * Tasks matching the query, newest first (`tasks` in submission order), with the total before
 * paging and, in the same pass, the counts by state of the tasks in scope, whatever the state and
 * name filters. `tasks` may already be narrowed to the query's session (the session is checked
 * all the same).
 */
export function listTasks(tasks: Iterable<TaskRecord>, query: TaskQuery): { items: TaskRecord[]; total: number; counts: TaskCounts } {
  const needle = query.q?.toLowerCase();
  const matches: TaskRecord[] = [];
  const counts = emptyCounts();
  // The owner's console narrows by kind and time; a session's list (the hot path) skips the checks.
  const scoped = query.kind !== undefined || query.createdAfter !== undefined || query.createdBefore !== undefined;
  for (const task of tasks) {
    if (query.clientId !== undefined && task.clientId !== query.clientId) continue;
    if (scoped && !inScope(task, query)) continue;
    counts[task.state]++;
    if (query.state !== undefined && task.state !== query.state) continue;
    if (needle && !task.name.toLowerCase().includes(needle)) continue;
    matches.push(task);
  }
  matches.reverse();
  const offset = query.offset ?? 0;
  const limit = query.limit ?? matches.length;
  return { items: matches.slice(offset, offset + limit), total: matches.length, counts };
}
