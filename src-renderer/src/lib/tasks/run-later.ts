/** The task form's "Run later": when a task should start, as the start request's `delayMs` or `runAt`. */

/** How a task should start: at once, after a delay, or at a date and time. */
export type RunLaterMode = 'now' | 'delay' | 'at';

/** The form's raw values. */
export interface RunLaterValues {
  mode: RunLaterMode;
  /** Minutes from now (decimals allowed: 0.5 is 30 s). */
  minutes: string | number | null;
  /** A `datetime-local` value (`2026-12-24T18:00`), read in the browser's time zone. */
  at: string;
}

/** The longest delay the server accepts: one year. */
export const MAX_DELAY_MS = 365 * 24 * 60 * 60 * 1000;

/** What to add to the start request, or the message to show. */
export type RunLaterResult = { ok: true; fields: { delayMs?: number; runAt?: string } } | { ok: false; message: string };

/** The fields for the start request; `now` is the browser's clock (epoch ms). */
export function readRunLater(values: RunLaterValues, now: number): RunLaterResult {
  if (values.mode === 'now') return { ok: true, fields: {} };
  if (values.mode === 'delay') {
    const text = values.minutes === null ? '' : String(values.minutes).trim();
    const minutes = Number(text);
    if (text === '' || !Number.isFinite(minutes) || minutes <= 0) return { ok: false, message: 'Enter a delay in minutes greater than 0.' };
    const delayMs = Math.round(minutes * 60_000);
    if (delayMs > MAX_DELAY_MS) return { ok: false, message: 'A task can wait at most a year (525600 minutes).' };
    return { ok: true, fields: { delayMs } };
  }
  const at = values.at.trim() === '' ? Number.NaN : new Date(values.at).getTime();
  if (Number.isNaN(at)) return { ok: false, message: 'Choose a date and time.' };
  if (at <= now) return { ok: false, message: 'Choose a time in the future.' };
  if (at - now > MAX_DELAY_MS) return { ok: false, message: 'Choose a time within a year.' };
  return { ok: true, fields: { runAt: new Date(at).toISOString() } };
}
