/** Reading what the server sends: one JSON envelope per text frame, checked before use. */
import type { ServerMessage, TaskDto, TaskState } from '../protocol.js';

const STATES: ReadonlySet<string> = new Set<TaskState>(['queued', 'running', 'completed', 'failed', 'cancelled']);

function isObject(value: unknown): value is Record<string, unknown> {
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
  };
}

/**
 * Parses one frame into a known server message, or `null` for anything else (bad JSON, unknown
 * type, wrong shape): the socket ignores such frames, as the protocol asks of both sides.
 * The envelope's `seq` (the session's message number) is kept when present.
 */
export function parseServerMessage(text: unknown): ServerMessage | null {
  if (typeof text !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(value) || typeof value['type'] !== 'string') return null;
  const data = value['data'];
  const timestamp = typeof value['timestamp'] === 'string' ? value['timestamp'] : new Date().toISOString();
  const seq = typeof value['seq'] === 'number' && Number.isSafeInteger(value['seq']) ? { seq: value['seq'] } : {};
  const str = (key: string, fallback: string) => (isObject(data) && typeof data[key] === 'string' ? (data[key] as string) : fallback);
  const num = (key: string) => (isObject(data) && typeof data[key] === 'number' ? (data[key] as number) : 0);
  switch (value['type']) {
    case 'connection':
      if (!isObject(data) || typeof data['socketId'] !== 'string') return null;
      return {
        type: 'connection',
        data: { status: 'connected', socketId: data['socketId'], serverTime: str('serverTime', timestamp), epoch: str('epoch', ''), seq: num('seq') },
        timestamp,
      };
    case 'snapshot': {
      if (!isObject(data) || !Array.isArray(data['tasks'])) return null;
      const tasks = data['tasks'].map(readTask).filter((task): task is TaskDto => task !== null);
      return { type: 'snapshot', data: { tasks, seq: num('seq'), epoch: str('epoch', '') }, timestamp };
    }
    case 'resumed':
      if (!isObject(data)) return null;
      return { type: 'resumed', data: { replayed: num('replayed'), seq: num('seq'), epoch: str('epoch', '') }, timestamp };
    case 'taskQueued':
    case 'taskProgress': {
      const task = readTask(data);
      return task ? { type: value['type'], data: task, timestamp, ...seq } : null;
    }
    case 'tasksDeleted': {
      if (!isObject(data) || !Array.isArray(data['ids'])) return null;
      const ids = data['ids'].filter((id): id is string => typeof id === 'string');
      return { type: 'tasksDeleted', data: { ids }, timestamp, ...seq };
    }
    case 'pong':
      return { type: 'pong', data: { timestamp: str('timestamp', timestamp) }, timestamp };
    default:
      return null;
  }
}
