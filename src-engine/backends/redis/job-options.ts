import { randomUUID } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { StoredTask } from './stored-event.js';

/** BullMQ's lowest priority number (runs first) and its highest. */
const BULL_PRIORITY_MAX = 2_097_152;
const BULL_PRIORITY_ZERO = 1_000_000;

/**
 * A fresh BullMQ job id for a run of a task. A task gets a new job for each run (its first, a
 * retry, a re-run after a stop), and a worker runs a job only while the task names it, so a stale
 * or duplicate job is never run.
 */
export function newJobId(taskId: string): string {
  return `${taskId}.${randomUUID().slice(0, 8)}`;
}

/**
 * The BullMQ options of a task's job: our higher priority runs first, theirs is a lower number;
 * a task that waits for a time (a delayed task, a retry's backoff) waits as a delayed job.
 */
export function jobOptionsOf(task: StoredTask, now: number): JobsOptions {
  const priority = Math.min(BULL_PRIORITY_MAX, Math.max(1, BULL_PRIORITY_ZERO - task.priority));
  const delay = task.runAt !== null ? Math.max(0, task.runAt - now) : 0;
  return { jobId: task.jobId!, priority, ...(delay > 0 ? { delay } : {}), removeOnComplete: true, removeOnFail: true };
}
