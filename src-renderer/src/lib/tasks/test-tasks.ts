/** Test helpers: TaskDto builders shared by the task logic tests. */
import type { TaskDto } from '../protocol.js';

/** A task at the given stage of the demo kind's life, with overridable fields. */
export function task(overrides: Partial<TaskDto> & { id: string }): TaskDto {
  return {
    name: `Task ${overrides.id}`,
    status: 'Queued',
    progress: 0,
    result: null,
    error: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: null,
    completedAt: null,
    clientId: 'client-1',
    state: 'queued',
    kind: 'demo',
    parameters: {},
    duration: 5000,
    attempt: 1,
    maxAttempts: 1,
    priority: 0,
    retryAt: null,
    runAt: null,
    job: null,
    scheduleId: null,
    waitReason: null,
    ...overrides,
  };
}

/** A running task at `progress` percent. */
export function running(id: string, progress: number, startedAt = '2025-01-01T00:00:01.000Z'): TaskDto {
  return task({ id, state: 'running', progress, status: progress ? `Processing step ${progress / 10}/10` : 'Running', startedAt });
}
