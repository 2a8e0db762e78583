/** Reading what the server sends: one JSON envelope per text frame, checked before use. */
import type { OwnerServerMessage, TaskDto, TaskLogLine, TaskState } from '../protocol.js';
import { readStatsPoint } from '../stats/stats-series.js';
import { isObject, readTask } from '../tasks/read-task.js';
import { readQueueState, readSchedule } from '../schedules/read-schedule.js';

/**
 * Parses one frame into a known server message, or `null` for anything else (bad JSON, unknown
 * type, wrong shape): the socket ignores such frames, as the protocol asks of both sides.
 * The envelope's `seq` (the session's message number) is kept when present. The owner's sockets
 * also get `statsTick` (the current minute of the charts).
 */
export function parseServerMessage(text: unknown): OwnerServerMessage | null {
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
      const total = typeof data['total'] === 'number' ? data['total'] : tasks.length;
      return { type: 'snapshot', data: { tasks, seq: num('seq'), epoch: str('epoch', ''), total, counts: readCounts(data['counts'], tasks) }, timestamp };
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
    case 'taskLog': {
      if (!isObject(data) || typeof data['taskId'] !== 'string' || !Array.isArray(data['lines'])) return null;
      const lines = data['lines'].filter(isLogLine);
      const skipped = num('skipped');
      return { type: 'taskLog', data: { taskId: data['taskId'], lines, seq: num('seq'), ...(skipped > 0 ? { skipped } : {}) }, timestamp };
    }
    case 'taskLogRefused':
      if (!isObject(data) || typeof data['taskId'] !== 'string') return null;
      return { type: 'taskLogRefused', data: { taskId: data['taskId'], code: str('code', ''), message: str('message', 'The log is not available') }, timestamp };
    case 'scheduleUpdated': {
      const schedule = readSchedule(data);
      return schedule ? { type: 'scheduleUpdated', data: schedule, timestamp } : null;
    }
    case 'scheduleDeleted':
      return isObject(data) && typeof data['id'] === 'string' ? { type: 'scheduleDeleted', data: { id: data['id'] }, timestamp } : null;
    case 'queueState': {
      const queue = readQueueState(data);
      return queue ? { type: 'queueState', data: queue, timestamp } : null;
    }
    case 'statsTick': {
      const point = readStatsPoint(data);
      return point ? { type: 'statsTick', data: point, timestamp } : null;
    }
    default:
      return null;
  }
}

/** A well-formed log line (`taskLog.data.lines[i]`). */
function isLogLine(value: unknown): value is TaskLogLine {
  return (
    isObject(value) &&
    typeof value['seq'] === 'number' &&
    typeof value['text'] === 'string' &&
    typeof value['time'] === 'string' &&
    (value['stream'] === 'stdout' || value['stream'] === 'stderr' || value['stream'] === 'log')
  );
}

/** Counts by state as the server sent them, else counted from the tasks at hand. */
function readCounts(value: unknown, tasks: readonly TaskDto[]): Record<TaskState, number> {
  const counts: Record<TaskState, number> = { scheduled: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
  if (isObject(value)) {
    for (const state of Object.keys(counts) as TaskState[]) if (typeof value[state] === 'number') counts[state] = value[state] as number;
    return counts;
  }
  for (const task of tasks) counts[task.state]++;
  return counts;
}
