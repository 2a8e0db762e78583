/** Longest delay a task may be given: a year. Further out is almost surely a mistake (ms for s, a wrong year). */
export const MAX_DELAY_MS = 366 * 24 * 3600_000;

/** How far in the past a `runAt` may be (it then runs at once): a clock skew or a slow client, not a typo of the year. */
export const MAX_PAST_MS = 24 * 3600_000;

/** ISO 8601 date and time with an explicit zone: a time without one is ambiguous across machines. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** When a start request wants its task run: `runAt` undefined means now. */
export type StartTime = { readonly ok: true; readonly runAt: number | undefined } | { readonly ok: false; readonly message: string };

/**
 * Reads the optional `runAt` (ISO 8601) or `delayMs` of a start request into an epoch-ms time,
 * or a message that names what is wrong. Both at once is refused: which one wins would be a guess.
 */
export function resolveStartTime(input: { runAt?: unknown; delayMs?: unknown }, now: number): StartTime {
  const { runAt, delayMs } = input;
  if (runAt !== undefined && delayMs !== undefined) return { ok: false, message: 'Give either runAt or delayMs, not both' };
  if (delayMs !== undefined) {
    if (typeof delayMs !== 'number' || !Number.isInteger(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
      return { ok: false, message: `delayMs must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS} (a year)` };
    }
    return { ok: true, runAt: delayMs === 0 ? undefined : now + delayMs };
  }
  if (runAt === undefined) return { ok: true, runAt: undefined };
  if (typeof runAt !== 'string' || !ISO_WITH_ZONE.test(runAt)) {
    return { ok: false, message: 'runAt must be an ISO 8601 date and time with a zone, e.g. 2026-12-24T18:00:00Z or 2026-12-24T19:00:00+01:00' };
  }
  const at = Date.parse(runAt);
  if (Number.isNaN(at) || !isRealCalendarTime(runAt)) return { ok: false, message: `runAt ${runAt} is not a real date and time` };
  if (at > now + MAX_DELAY_MS) return { ok: false, message: 'runAt must be at most a year from now' };
  if (at < now - MAX_PAST_MS) return { ok: false, message: 'runAt is more than a day in the past' };
  return { ok: true, runAt: at <= now ? undefined : at };
}

/** Date.parse rolls 30 February over into March; the written fields must name a real day and time. */
function isRealCalendarTime(iso: string): boolean {
  const [year, month, day, hour, minute] = iso.match(/\d+/g)!.slice(0, 5).map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour <= 23 && minute <= 59;
}
