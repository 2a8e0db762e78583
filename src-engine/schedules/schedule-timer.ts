import type { ScheduleRecord } from './schedule-record.js';

/**
 * What fires schedules when they come due. One process: a due heap and one timer (DueTimer). A
 * cluster: BullMQ's job schedulers, so that each time fires once, on one node, not once per node.
 */
export interface ScheduleTimer {
  /** (Re)arms a schedule to come due at `at` (its `nextRunAt`). */
  set(id: string, schedule: ScheduleRecord, at: number): void;
  /** Disarms a schedule. */
  delete(id: string): void;
  /** Stops firing anything (schedules stay stored). */
  stop(): void;
}
