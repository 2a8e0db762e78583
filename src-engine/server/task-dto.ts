import type { TaskDto } from '../protocol/messages.js';
import type { TaskRecord } from '../engine/task-record.js';

/** ISO 8601 UTC, or null, as the original serialised its DateTime? fields. */
export function isoOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : isoOf(epochMs);
}

const isoCache = new Map<number, string>();

/**
 * `new Date(epochMs).toISOString()`, remembered: every message about a task repeats its creation
 * and start times, and messages sent in the same millisecond share their timestamp, so most
 * conversions (a quarter of the cost of building a message) are lookups. Bounded: cleared when full.
 */
export function isoOf(epochMs: number): string {
  let iso = isoCache.get(epochMs);
  if (iso === undefined) {
    if (isoCache.size >= 4096) isoCache.clear();
    iso = new Date(epochMs).toISOString();
    isoCache.set(epochMs, iso);
  }
  return iso;
}

/**
 * The wire form of a task. `status` keeps the original's PascalCase texts (`Queued`,
 * `Processing step 3/10`, `Completed`, ...) because the original client reads it; `state` is our
 * machine-readable addition.
 */
export function toTaskDto(task: Readonly<TaskRecord>): TaskDto {
  const duration = task.parameters['duration'];
  return {
    id: task.id,
    name: task.name,
    status: task.statusText,
    progress: task.progress,
    result: task.result,
    error: task.error,
    createdAt: isoOf(task.createdAt),
    startedAt: isoOrNull(task.startedAt),
    completedAt: isoOrNull(task.completedAt),
    clientId: task.clientId,
    state: task.state,
    kind: task.kind,
    parameters: { ...task.parameters },
    duration: typeof duration === 'number' ? duration : null,
    attempt: task.attempt,
    maxAttempts: task.maxAttempts,
    priority: task.priority,
    retryAt: task.state === 'queued' ? isoOrNull(task.runAt) : null,
    runAt: task.state === 'scheduled' ? isoOrNull(task.runAt) : null,
    job: task.job ?? null,
    scheduleId: task.scheduleId ?? null,
    waitReason: task.state === 'queued' ? (task.waitReason ?? null) : null,
  };
}
