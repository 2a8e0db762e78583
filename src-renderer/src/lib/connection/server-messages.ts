/** Reading what the server sends: one JSON envelope per text frame, checked before use. */
import type { ServerMessage, TaskDto, TaskState } from '../protocol.js';

const STATES: ReadonlySet<string> = new Set<TaskState>(['queued', 'running', 'completed', 'failed', 'cancelled']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Fields the original's `taskQueued` left out; absent values are null. */
const OPTIONAL_TASK_FIELDS: Partial<TaskDto> = { result: null, error: null, startedAt: null, completedAt: null };

const nullableString = (value: unknown) => value === null || typeof value === 'string';

/** Whether a value has the fields of a {@link TaskDto} this UI relies on. */
export function isTaskDto(value: unknown): value is TaskDto {
  return (
    isObject(value) &&
    typeof value['id'] === 'string' &&
    typeof value['name'] === 'string' &&
    typeof value['status'] === 'string' &&
    typeof value['progress'] === 'number' &&
    typeof value['createdAt'] === 'string' &&
    typeof value['state'] === 'string' &&
    STATES.has(value['state']) &&
    nullableString(value['startedAt']) &&
    nullableString(value['completedAt']) &&
    nullableString(value['result'] ?? null) &&
    nullableString(value['error'] ?? null)
  );
}

/**
 * Parses one frame into a known server message, or `null` for anything else (bad JSON, unknown
 * type, wrong shape): the socket ignores such frames, as the protocol asks of both sides.
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
  switch (value['type']) {
    case 'connection':
      if (!isObject(data) || typeof data['socketId'] !== 'string') return null;
      return {
        type: 'connection',
        data: { status: 'connected', socketId: data['socketId'], serverTime: typeof data['serverTime'] === 'string' ? data['serverTime'] : timestamp },
        timestamp,
      };
    case 'snapshot':
      if (!isObject(data) || !Array.isArray(data['tasks'])) return null;
      return { type: 'snapshot', data: { tasks: data['tasks'].filter(isTaskDto) }, timestamp };
    case 'taskQueued':
    case 'taskProgress':
      if (!isTaskDto(data)) return null;
      return { type: value['type'], data: { ...OPTIONAL_TASK_FIELDS, ...data }, timestamp };
    case 'pong':
      return { type: 'pong', data: { timestamp: isObject(data) && typeof data['timestamp'] === 'string' ? data['timestamp'] : timestamp }, timestamp };
    default:
      return null;
  }
}
