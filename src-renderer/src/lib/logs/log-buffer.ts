/** The event log as plain data: newest first, capped. */

/** Severity, shown as text and colour. */
export type LogLevel = 'info' | 'success' | 'warn' | 'error';

/** One log line. */
export interface LogEntry {
  /** Unique within the page, for keyed rendering. */
  id: number;
  /** Epoch ms (client clock) when it happened. */
  at: number;
  level: LogLevel;
  text: string;
}

/** Default number of entries kept. */
export const LOG_CAPACITY = 200;

/** Prepends an entry, dropping the oldest beyond `capacity`. Returns a new array. */
export function appendLog(entries: readonly LogEntry[], entry: LogEntry, capacity = LOG_CAPACITY): LogEntry[] {
  const next = [entry, ...entries];
  if (next.length > capacity) next.length = Math.max(0, capacity);
  return next;
}

/** `HH:MM:SS.mmm` in local time, for log lines. */
export function formatLogTime(at: number): string {
  const d = new Date(at);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
