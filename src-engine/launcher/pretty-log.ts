import { Writable } from 'node:stream';

/** pino's numeric levels, as words people read. */
const LEVEL_WORDS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLORS: Readonly<Record<number, string>> = { 10: '90', 20: '90', 30: '36', 40: '33', 50: '31', 60: '35' };

/** Fields every pino line carries that a person does not need on a terminal. */
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reqId', 'err']);

/** Options of {@link formatLogLine}. */
export interface PrettyOptions {
  /** ANSI colour for the level word. */
  color?: boolean;
  /** Time zone offset source; tests pass a fixed formatter. Default: the local clock, HH:MM:SS. */
  formatTime?: (epochMs: number) => string;
}

/**
 * One pino record as one line a person can read: `14:03:07 INFO  message key=value ...`.
 * Extra fields follow the message as key=value (strings bare when they have no spaces, anything
 * else as JSON, long values cut); an error adds its message, and for errors its stack below.
 */
export function formatLogLine(record: Record<string, unknown>, options: PrettyOptions = {}): string {
  const level = typeof record['level'] === 'number' ? record['level'] : 30;
  const word = (LEVEL_WORDS[level] ?? 'LOG').padEnd(5);
  const time = typeof record['time'] === 'number' ? (options.formatTime ?? localTime)(record['time']) : '--:--:--';
  const levelText = options.color ? `\u001b[${LEVEL_COLORS[level] ?? '0'}m${word}\u001b[0m` : word;
  const message = typeof record['msg'] === 'string' ? record['msg'] : '';
  const parts = [time, levelText, message];
  for (const [key, value] of Object.entries(record)) {
    if (HIDDEN.has(key) || value === undefined || saidIn(message, value)) continue;
    parts.push(`${key}=${printable(value)}`);
  }
  let line = parts.join(' ').trimEnd();
  const err = record['err'] as { message?: unknown; stack?: unknown } | undefined;
  if (err && typeof err === 'object') {
    line += ` error=${printable(err.message ?? '')}`;
    if (level >= 50 && typeof err.stack === 'string') line += `\n${err.stack.split('\n').slice(1).join('\n')}`;
  }
  return line;
}

/**
 * A stream for pino's JSON lines that writes them to `out` as {@link formatLogLine} lines.
 * Anything that is not a JSON object is passed through as it is.
 */
export function prettyLogStream(out: NodeJS.WritableStream, options: PrettyOptions = {}): Writable {
  let partial = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      const text = lines.map((line) => prettyOrRaw(line, options)).join('');
      if (text) out.write(text);
      callback();
    },
    final(callback) {
      if (partial) out.write(prettyOrRaw(partial, options));
      callback();
    },
  });
}

function prettyOrRaw(line: string, options: PrettyOptions): string {
  if (line === '') return '';
  try {
    const record: unknown = JSON.parse(line);
    if (record && typeof record === 'object' && !Array.isArray(record)) return `${formatLogLine(record as Record<string, unknown>, options)}\n`;
  } catch {
    // not JSON: a line someone wrote by hand
  }
  return `${line}\n`;
}

/** A field whose text the message already carries (a URL, a file) is not repeated after it. */
function saidIn(message: string, value: unknown): boolean {
  if (typeof value === 'string') return value.length > 3 && message.includes(value);
  return Array.isArray(value) && value.length > 0 && value.every((item) => saidIn(message, item));
}

function printable(value: unknown): string {
  const text = typeof value === 'string' && value !== '' && !/[\s"=]/.test(value) ? value : JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function localTime(epochMs: number): string {
  const date = new Date(epochMs);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
