/**
 * A task's story for its own page: the state changes the server kept (`GET /api/tasks/:id/history`)
 * plus those the page sees live, and the attempts they make up. Pure.
 */
import type { TaskDto, TaskState } from '../protocol.js';
import { isObject, readTask } from './read-task.js';

/** One state change. */
export interface StoryEntry {
  /** ISO 8601 time. */
  at: string;
  state: TaskState;
  status: string;
  attempt: number;
  error: string | null;
  retryAt: string | null;
}

/** What the task page loads: the task, its changes, and whether they cover its whole life. */
export interface TaskStory {
  task: TaskDto;
  history: StoryEntry[];
  complete: boolean;
}

const STATES = new Set<string>(['queued', 'running', 'completed', 'failed', 'cancelled']);

/** Reads a `GET /api/tasks/:id/history` answer, or null when it is not one. */
export function readStory(value: unknown): TaskStory | null {
  if (!isObject(value) || !Array.isArray(value['history'])) return null;
  const task = readTask(value['task']);
  if (!task) return null;
  const history = value['history'].flatMap((raw): StoryEntry[] => {
    if (!isObject(raw) || typeof raw['at'] !== 'string' || typeof raw['state'] !== 'string' || !STATES.has(raw['state'])) return [];
    return [
      {
        at: raw['at'],
        state: raw['state'] as TaskState,
        status: typeof raw['status'] === 'string' ? raw['status'] : '',
        attempt: typeof raw['attempt'] === 'number' ? raw['attempt'] : 1,
        error: typeof raw['error'] === 'string' ? raw['error'] : null,
        retryAt: typeof raw['retryAt'] === 'string' ? raw['retryAt'] : null,
      },
    ];
  });
  return { task, history, complete: value['complete'] === true };
}

/**
 * Adds the change from `previous` to `next` seen live at `at`, when it is a change of state or
 * attempt (progress ticks are not part of the story) and not already the last entry.
 */
export function appendChange(history: readonly StoryEntry[], previous: TaskDto, next: TaskDto, at: string): readonly StoryEntry[] {
  if (previous.state === next.state && previous.attempt === next.attempt) return history;
  const last = history.at(-1);
  if (last && last.state === next.state && last.attempt === next.attempt) return history;
  return [...history, { at, state: next.state, status: next.status, attempt: next.attempt, error: next.error, retryAt: next.retryAt }];
}

/** One run of a task: when it started and ended, and how. */
export interface Attempt {
  attempt: number;
  startedAt: string | null;
  endedAt: string | null;
  /** `running` while it runs; `retrying` when it failed and another attempt follows. */
  outcome: TaskState | 'retrying';
  error: string | null;
}

/** The runs a story tells of, oldest first (a manual retry starts counting again from 1). */
export function attemptsOf(history: readonly StoryEntry[]): Attempt[] {
  const attempts: Attempt[] = [];
  let current: Attempt | null = null;
  for (const entry of history) {
    if (entry.state === 'running') {
      current = { attempt: entry.attempt, startedAt: entry.at, endedAt: null, outcome: 'running', error: null };
      attempts.push(current);
    } else if (entry.state === 'queued') {
      // Back in the queue after a run: that run failed and will be retried.
      if (current && current.outcome === 'running') Object.assign(current, { endedAt: entry.at, outcome: 'retrying', error: entry.error });
      current = null;
    } else {
      if (!current || current.outcome !== 'running') {
        // Ended without a run seen (cancelled while queued): a run that never started.
        current = { attempt: entry.attempt, startedAt: null, endedAt: null, outcome: 'running', error: null };
        attempts.push(current);
      }
      Object.assign(current, { endedAt: entry.at, outcome: entry.state, error: entry.error });
      current = null;
    }
  }
  return attempts;
}
