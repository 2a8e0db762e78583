/**
 * Why a task has not started yet, in words: a delayed task's countdown ("Runs in 4 min 12 s, at
 * 14:05:00") and a queued task's reason to wait (`waitReason`: "paused", "job limit 1 reached").
 */
import type { TaskDto } from '../protocol.js';
import { formatSpan } from '../time/time-span.js';

/** A clock time as `14:05:00` in the viewer's zone (or `zone`, for tests and the server). */
export function clockTime(iso: string, zone?: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', ...(zone ? { timeZone: zone } : {}) }).format(at);
}

/**
 * A delayed task's countdown at `now` (server clock, epoch ms): `Runs in 4 min 12 s, at 14:05:00`,
 * then `Due at 14:05:00, starting…` once its time has come; null for any other task.
 */
export function runsIn(task: Pick<TaskDto, 'state' | 'runAt'>, now: number, zone?: string): string | null {
  if (task.state !== 'scheduled' || task.runAt === null) return null;
  const at = Date.parse(task.runAt);
  if (Number.isNaN(at)) return null;
  const time = clockTime(task.runAt, zone);
  return at - now > 0 ? `Runs in ${formatSpan(at - now)}, at ${time}` : `Due at ${time}, starting…`;
}

/** A queued task's reason to wait (`Waiting: paused`), or null when it only waits for a worker. */
export function waitingBecause(task: Pick<TaskDto, 'state' | 'waitReason'>): string | null {
  if (task.state !== 'queued') return null;
  const reason = task.waitReason?.trim();
  return reason ? `Waiting: ${reason}` : null;
}
