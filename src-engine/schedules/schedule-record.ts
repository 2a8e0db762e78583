import type { MisfirePolicy, OverlapPolicy } from '../protocol/schedules.js';

/** A recurring schedule as the scheduler keeps it. Times are epoch ms. */
export interface ScheduleRecord {
  readonly id: string;
  name: string;
  kind: string;
  parameters: Record<string, unknown>;
  cron: string;
  timezone: string;
  enabled: boolean;
  overlap: OverlapPolicy;
  misfire: MisfirePolicy;
  /** `file`: declared in the jobs file, kept in step with it, not deletable over the API. */
  readonly source: 'api' | 'file';
  /** The session whose task list the runs land in. */
  clientId: string;
  readonly createdAt: number;
  updatedAt: number;
  lastRunAt: number | null;
  lastTaskId: string | null;
  lastError: string | null;
  /** When the next run comes due; null when disabled or when the expression never fires again. */
  nextRunAt: number | null;
  /** With overlap `queue`: a run came due while the previous one was active and waits for its end. */
  runPending: boolean;
}

/** Where schedules are kept across restarts. Writes are small and rare: synchronous. */
export interface ScheduleStore {
  loadAll(): ScheduleRecord[];
  save(schedule: Readonly<ScheduleRecord>): void;
  delete(id: string): void;
}

/** Keeps schedules in memory only (`--in-memory` runs and tests). */
export class MemoryScheduleStore implements ScheduleStore {
  private readonly rows = new Map<string, ScheduleRecord>();
  loadAll(): ScheduleRecord[] {
    return [...this.rows.values()].map((row) => structuredClone(row));
  }
  save(schedule: Readonly<ScheduleRecord>): void {
    this.rows.set(schedule.id, structuredClone(schedule) as ScheduleRecord);
  }
  delete(id: string): void {
    this.rows.delete(id);
  }
}
