import type { TaskRecord } from '../engine/task-record.js';
import type { ScheduleDto } from '../protocol/schedules.js';
import { nextRuns } from '../schedules/cron-rule.js';
import type { ScheduleRecord } from '../schedules/schedule-record.js';
import { isoOf, isoOrNull } from './task-dto.js';

/** Run times a schedule's DTO lists. */
export const NEXT_RUNS_SHOWN = 3;

/** The wire form of a schedule, with its last run as the engine knows it now and its next three times. */
export function toScheduleDto(schedule: Readonly<ScheduleRecord>, taskOf: (id: string) => Readonly<TaskRecord> | undefined): ScheduleDto {
  const last = schedule.lastTaskId === null ? undefined : taskOf(schedule.lastTaskId);
  const upcoming = schedule.nextRunAt === null ? [] : [schedule.nextRunAt, ...nextRuns(schedule.cron, schedule.timezone, schedule.nextRunAt, NEXT_RUNS_SHOWN - 1)];
  return {
    id: schedule.id,
    name: schedule.name,
    kind: schedule.kind,
    parameters: { ...schedule.parameters },
    cron: schedule.cron,
    timezone: schedule.timezone,
    enabled: schedule.enabled,
    overlap: schedule.overlap,
    misfire: schedule.misfire,
    source: schedule.source,
    clientId: schedule.clientId,
    createdAt: isoOf(schedule.createdAt),
    updatedAt: isoOf(schedule.updatedAt),
    lastRunAt: isoOrNull(schedule.lastRunAt),
    lastTaskId: schedule.lastTaskId,
    lastRun: last ? { taskId: last.id, state: last.state, status: last.statusText } : null,
    lastError: schedule.lastError,
    nextRunAt: isoOrNull(schedule.nextRunAt),
    nextRuns: upcoming.map(isoOf),
    runPending: schedule.runPending,
  };
}
