/** Test helpers: ScheduleDto builders shared by the schedule logic tests. */
import type { ScheduleDto } from '../protocol.js';

/** A schedule as the server sends it, with overridable fields. */
export function schedule(overrides: Partial<ScheduleDto> & { id: string }): ScheduleDto {
  return {
    name: `Schedule ${overrides.id}`,
    kind: 'demo',
    parameters: { duration: 1000 },
    cron: '0 3 * * *',
    timezone: 'Europe/Berlin',
    enabled: true,
    overlap: 'skip',
    misfire: 'runOnce',
    source: 'api',
    clientId: 'client-1',
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    lastRunAt: null,
    lastTaskId: null,
    lastRun: null,
    lastError: null,
    nextRunAt: '2026-12-02T02:00:00.000Z',
    nextRuns: ['2026-12-02T02:00:00.000Z', '2026-12-03T02:00:00.000Z', '2026-12-04T02:00:00.000Z'],
    runPending: false,
    ...overrides,
  };
}
