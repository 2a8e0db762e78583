/** Reading schedules and the queue's state from untrusted JSON (REST answers, socket frames). */
import type { QueueKindDto, QueueStateDto, ScheduleDto } from '../protocol.js';
import { isObject } from '../tasks/read-task.js';

const OVERLAPS: ReadonlySet<string> = new Set(['skip', 'queue', 'allow']);
const MISFIRES: ReadonlySet<string> = new Set(['runOnce', 'skip']);

const str = (value: unknown): value is string => typeof value === 'string';
const strOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Reads one schedule, or `null` when its required fields are missing or mistyped. */
export function readSchedule(value: unknown): ScheduleDto | null {
  if (!isObject(value) || !str(value['id']) || !str(value['name']) || !str(value['cron']) || typeof value['enabled'] !== 'boolean') return null;
  const overlap = str(value['overlap']) && OVERLAPS.has(value['overlap']) ? (value['overlap'] as ScheduleDto['overlap']) : 'skip';
  const misfire = str(value['misfire']) && MISFIRES.has(value['misfire']) ? (value['misfire'] as ScheduleDto['misfire']) : 'runOnce';
  const lastRun = value['lastRun'];
  return {
    id: value['id'],
    name: value['name'],
    kind: str(value['kind']) ? value['kind'] : 'demo',
    parameters: isObject(value['parameters']) ? value['parameters'] : {},
    cron: value['cron'],
    timezone: str(value['timezone']) ? value['timezone'] : 'UTC',
    enabled: value['enabled'],
    overlap,
    misfire,
    source: value['source'] === 'file' ? 'file' : 'api',
    clientId: str(value['clientId']) ? value['clientId'] : '',
    createdAt: str(value['createdAt']) ? value['createdAt'] : '',
    updatedAt: str(value['updatedAt']) ? value['updatedAt'] : '',
    lastRunAt: strOrNull(value['lastRunAt']),
    lastTaskId: strOrNull(value['lastTaskId']),
    lastRun:
      isObject(lastRun) && str(lastRun['taskId']) && str(lastRun['state']) && str(lastRun['status'])
        ? { taskId: lastRun['taskId'], state: lastRun['state'] as NonNullable<ScheduleDto['lastRun']>['state'], status: lastRun['status'] }
        : null,
    lastError: strOrNull(value['lastError']),
    nextRunAt: strOrNull(value['nextRunAt']),
    nextRuns: Array.isArray(value['nextRuns']) ? value['nextRuns'].filter(str) : [],
    runPending: value['runPending'] === true,
  };
}

/** Reads a list answer (`{ items }`) into schedules, dropping unreadable ones. */
export function readScheduleList(value: unknown): ScheduleDto[] {
  if (!isObject(value) || !Array.isArray(value['items'])) return [];
  return value['items'].map(readSchedule).filter((schedule): schedule is ScheduleDto => schedule !== null);
}

function readKind(value: unknown): QueueKindDto | null {
  if (!isObject(value) || !str(value['kind'])) return null;
  const rate = value['rateLimit'];
  const count = (key: string) => (typeof value[key] === 'number' ? (value[key] as number) : 0);
  return {
    kind: value['kind'],
    paused: value['paused'] === true,
    concurrency: typeof value['concurrency'] === 'number' ? value['concurrency'] : null,
    rateLimit: isObject(rate) && typeof rate['max'] === 'number' && typeof rate['perMs'] === 'number' ? { max: rate['max'], perMs: rate['perMs'] } : null,
    running: count('running'),
    queued: count('queued'),
  };
}

/** Reads the queue's state (`GET /api/queue`, `queueState` frames), or `null` when unreadable. */
export function readQueueState(value: unknown): QueueStateDto | null {
  if (!isObject(value) || typeof value['paused'] !== 'boolean') return null;
  const kinds = Array.isArray(value['kinds']) ? value['kinds'].map(readKind).filter((kind): kind is QueueKindDto => kind !== null) : [];
  return { paused: value['paused'], kinds };
}
