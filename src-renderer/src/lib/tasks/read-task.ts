/** Reading a task from untrusted JSON (socket frames, REST answers), tolerating older servers. */
import type { TaskDto, TaskState } from '../protocol.js';

const STATES: ReadonlySet<string> = new Set<TaskState>(['scheduled', 'queued', 'running', 'completed', 'failed', 'cancelled']);

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const nullableString = (value: unknown) => value === null || value === undefined || typeof value === 'string';

/**
 * The lifecycle state a status text stands for, for servers that send no `state` (the original):
 * `Queued`, `Completed`, `Failed`, `Cancelled`, and anything else (`Running`, `Processing step…`)
 * is running.
 */
export function stateFromStatus(status: string): TaskState {
  switch (status) {
    case 'Queued':
      return 'queued';
    case 'Scheduled':
      return 'scheduled';
    case 'Completed':
      return 'completed';
    case 'Failed':
      return 'failed';
    case 'Cancelled':
      return 'cancelled';
    default:
      return 'running';
  }
}

/**
 * Reads a task, or `null` when its required fields (the original's) are missing or mistyped.
 * Fields an older server leaves out get their neutral values.
 */
export function readTask(value: unknown): TaskDto | null {
  if (
    !isObject(value) ||
    typeof value['id'] !== 'string' ||
    typeof value['name'] !== 'string' ||
    typeof value['status'] !== 'string' ||
    typeof value['progress'] !== 'number' ||
    typeof value['createdAt'] !== 'string' ||
    !nullableString(value['startedAt']) ||
    !nullableString(value['completedAt']) ||
    !nullableString(value['result']) ||
    !nullableString(value['error'])
  ) {
    return null;
  }
  const state = value['state'] === undefined ? stateFromStatus(value['status']) : value['state'];
  if (typeof state !== 'string' || !STATES.has(state)) return null;
  const number = (key: string, fallback: number) => (typeof value[key] === 'number' ? (value[key] as number) : fallback);
  const text = (key: string) => (typeof value[key] === 'string' ? (value[key] as string) : null);
  return {
    id: value['id'],
    name: value['name'],
    status: value['status'],
    progress: value['progress'],
    result: text('result'),
    error: text('error'),
    createdAt: value['createdAt'],
    startedAt: text('startedAt'),
    completedAt: text('completedAt'),
    clientId: typeof value['clientId'] === 'string' ? value['clientId'] : '',
    state: state as TaskState,
    kind: typeof value['kind'] === 'string' ? value['kind'] : 'demo',
    parameters: isObject(value['parameters']) ? value['parameters'] : {},
    duration: typeof value['duration'] === 'number' ? value['duration'] : null,
    attempt: number('attempt', 1),
    maxAttempts: number('maxAttempts', 1),
    priority: number('priority', 0),
    retryAt: text('retryAt'),
    runAt: text('runAt'),
    job: text('job'),
    scheduleId: text('scheduleId'),
    waitReason: text('waitReason'),
  };
}

