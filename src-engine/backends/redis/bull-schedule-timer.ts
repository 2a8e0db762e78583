import { Queue, Worker } from 'bullmq';
import type { ScheduleRecord } from '../../schedules/schedule-record.js';
import type { ScheduleTimer } from '../../schedules/schedule-timer.js';
import { SCHEDULE_FIRES_QUEUE } from './cluster-keys.js';
import type { ClusterStore } from './cluster-store.js';

/**
 * Schedules fired by BullMQ's job schedulers: each enabled schedule is a job scheduler (its cron
 * and zone) that puts one job per due time on the fires queue, and exactly one node takes each
 * job, so a schedule fires once however many nodes run. Arming the same definition again is
 * harmless (an upsert); the node that takes a fire runs the scheduler's usual rules (misfire,
 * overlap) and submits the run.
 */
export class BullScheduleTimer implements ScheduleTimer {
  private readonly queue: Queue;
  private worker: Worker | undefined;
  /** What this node last asked BullMQ for, per schedule: the same again is not sent. */
  private readonly armed = new Map<string, string>();

  constructor(
    private readonly store: ClusterStore,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.queue = new Queue(SCHEDULE_FIRES_QUEUE, { connection: store.connect(), prefix: store.keys.bullPrefix });
    this.queue.on('error', (error) => this.onError(error));
  }

  /** Takes this node's share of the fires: `fire(scheduleId)` runs the schedule's due time here. */
  startFiring(fire: (scheduleId: string) => Promise<void>): void {
    this.worker = new Worker(SCHEDULE_FIRES_QUEUE, async (job) => fire(String(job.data.scheduleId)), {
      connection: this.store.connect(),
      prefix: this.store.keys.bullPrefix,
      concurrency: 1,
    });
    this.worker.on('error', (error) => this.onError(error));
  }

  set(id: string, schedule: ScheduleRecord): void {
    if (!schedule.enabled) return this.delete(id);
    const definition = `${schedule.cron}\u0000${schedule.timezone}`;
    if (this.armed.get(id) === definition) return;
    this.armed.set(id, definition);
    void this.queue
      .upsertJobScheduler(id, { pattern: schedule.cron, tz: schedule.timezone }, { name: 'fire', data: { scheduleId: id }, opts: { removeOnComplete: true, removeOnFail: true } })
      .catch((error: unknown) => {
        this.armed.delete(id);
        this.onError(error);
      });
  }

  delete(id: string): void {
    this.armed.delete(id);
    void this.queue.removeJobScheduler(id).catch((error: unknown) => this.onError(error));
  }

  stop(): void {
    void this.close();
  }

  /** Stops taking fires and closes the connections (the job schedulers stay in Redis). */
  async close(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await this.queue.close().catch(() => undefined);
  }
}
