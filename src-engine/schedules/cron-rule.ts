import { Cron } from 'croner';

/** Whether an expression and zone can be used, or which of them is wrong and why. */
export type CronCheck = { readonly ok: true } | { readonly ok: false; readonly field: 'cron' | 'timezone'; readonly message: string };

/** Longest expression accepted (six fields with lists fit easily). */
export const MAX_CRON_LENGTH = 200;

/**
 * Cron in an IANA time zone, through croner (no parser of our own): 5 fields (minute hour
 * day-of-month month day-of-week) or 6 (seconds first). Day-of-month and day-of-week combine with
 * OR, as in Vixie cron. Across DST, croner follows Vixie cron (docs/schedules.md): a fixed-time
 * job whose time falls in the spring-forward gap runs at the first valid time after it, and once
 * when the time occurs twice; an interval job skips the gap and runs on both occurrences.
 */
export function checkCron(cron: string, timezone: string): CronCheck {
  if (!isTimeZone(timezone)) {
    return { ok: false, field: 'timezone', message: `Unknown time zone '${timezone}': use an IANA name such as Europe/Berlin, America/New_York or UTC` };
  }
  if (cron.length > MAX_CRON_LENGTH) return { ok: false, field: 'cron', message: `The cron expression is longer than ${MAX_CRON_LENGTH} characters` };
  let job: Cron;
  try {
    job = build(cron, timezone);
  } catch (error) {
    return { ok: false, field: 'cron', message: `Invalid cron expression '${cron}': ${explain(error)}` };
  }
  if (job.nextRun() === null) return { ok: false, field: 'cron', message: `The cron expression '${cron}' never fires (e.g. 30 February)` };
  return { ok: true };
}

/** The next `count` run times strictly after `after` (epoch ms); fewer if the expression stops firing. */
export function nextRuns(cron: string, timezone: string, after: number, count: number): number[] {
  return build(cron, timezone)
    .nextRuns(count, new Date(after))
    .map((date) => date.getTime());
}

/** The next run time strictly after `after`, or null. */
export function nextRun(cron: string, timezone: string, after: number): number | null {
  return nextRuns(cron, timezone, after, 1)[0] ?? null;
}

/** Whether Intl knows the zone (what croner converts with, so the two agree). */
export function isTimeZone(timezone: string): boolean {
  if (timezone.trim() === '' || timezone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

function build(cron: string, timezone: string): Cron {
  // No function: croner only computes times, it starts no timer of its own.
  return new Cron(cron.trim(), { timezone, mode: '5-or-6-parts' });
}

function explain(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^CronPattern:\s*/, '');
}
