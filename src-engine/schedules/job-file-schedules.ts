import type { JobDefinition } from '../jobs/job-definition.js';
import type { FileScheduleDeclaration, Scheduler } from './scheduler.js';

/**
 * The schedules a jobs file declares (`"schedule": { "cron", ... }` on a job), in the
 * scheduler's terms: one per job that has one, named after the job.
 */
export function fileSchedulesOf(jobs: readonly JobDefinition[]): FileScheduleDeclaration[] {
  const declarations: FileScheduleDeclaration[] = [];
  for (const job of jobs) {
    const schedule = job.schedule;
    if (!schedule) continue;
    declarations.push({
      job: job.id,
      name: job.title,
      cron: schedule.cron,
      ...(schedule.timezone === undefined ? {} : { timezone: schedule.timezone }),
      ...(schedule.parameters === undefined ? {} : { parameters: schedule.parameters }),
      ...(schedule.overlap === undefined ? {} : { overlap: schedule.overlap }),
      ...(schedule.misfire === undefined ? {} : { misfire: schedule.misfire }),
    });
  }
  return declarations;
}

/**
 * Brings the scheduler's file schedules in line with the jobs in effect: called at start and after
 * every applied edit of the jobs file (a refused edit keeps the last good jobs, so their schedules
 * stay too). Problems (a bad cron or time zone) are returned, one per job, for the log.
 */
export function syncJobSchedules(scheduler: Scheduler, jobs: readonly JobDefinition[]): { job: string; message: string }[] {
  return scheduler.syncFromFile(fileSchedulesOf(jobs));
}
