/**
 * Cron expressions and run times in words, for people: "At 03:00, every day", "Every 2 seconds",
 * and times in a schedule's own time zone. The wording comes from cronstrue (no parsing of our
 * own); the server (croner) stays the judge of what is valid.
 */
import cronstrue from 'cronstrue';

/** Whether a cron field is a single plain number (e.g. `3`, not `*`, `*\/2`, `1-5` or `1,2`). */
const fixed = (field: string | undefined) => field !== undefined && /^\d+$/.test(field);

/**
 * The expression in words, or `null` when cronstrue cannot read it (the server's preview then
 * says what is wrong). A fixed time of day on every day says so: "At 03:00, every day".
 */
export function describeCron(cron: string): string | null {
  const text = cron.trim();
  if (text === '') return null;
  let words: string;
  try {
    words = cronstrue.toString(text, { use24HourTimeFormat: true, throwExceptionOnParseError: true, verbose: false });
  } catch {
    return null;
  }
  const fields = text.split(/\s+/);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields.length === 6 ? fields.slice(1) : fields;
  const everyDay = dayOfMonth === '*' && month === '*' && (dayOfWeek === '*' || dayOfWeek === '?');
  const atTime = fixed(minute) && fixed(hour) && (fields.length === 5 || fixed(fields[0]));
  return everyDay && atTime ? `${words}, every day` : words;
}

/** Whether a time zone name is known to this browser's `Intl` (the server decides in the end). */
function knownZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * A run time as a person reads it, in the schedule's zone: `Wed 2 Dec 2026, 03:00:00`. Seconds
 * show only when they are not zero for some run (`withSeconds`). Unknown zones fall back to UTC.
 */
export function formatRunTime(iso: string, timezone: string, withSeconds = false): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: knownZone(timezone) ? timezone : 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' } : {}),
    hourCycle: 'h23',
  });
  return format.format(at).replace(/ at /, ', ');
}

/** Whether any of the times falls on a second other than :00 (then seconds are worth showing). */
export function needsSeconds(isos: readonly string[]): boolean {
  return isos.some((iso) => {
    const t = Date.parse(iso);
    return !Number.isNaN(t) && Math.floor(t / 1000) % 60 !== 0;
  });
}
