/** The schedules a page holds, changed by answers and `scheduleUpdated`/`scheduleDeleted` frames. */
import type { ScheduleDto } from '../protocol.js';

/** Oldest first (as the server lists them), then by id for a stable order. */
function byCreation(a: ScheduleDto, b: ScheduleDto): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The list with `schedule` added or replaced. A copy older than the one held (`updatedAt`) is
 * ignored: an HTTP answer may arrive after the frame announcing a later change.
 */
export function upsertSchedule(list: readonly ScheduleDto[], schedule: ScheduleDto): ScheduleDto[] {
  const held = list.find((item) => item.id === schedule.id);
  if (held && held.updatedAt > schedule.updatedAt) return [...list];
  return [...list.filter((item) => item.id !== schedule.id), schedule].sort(byCreation);
}

/** The list without the schedule `id`. */
export function removeSchedule(list: readonly ScheduleDto[], id: string): ScheduleDto[] {
  return list.filter((item) => item.id !== id);
}
