/** What one output line tells about the run, besides being a log line. */
export type LineSignal =
  | { readonly kind: 'progress'; readonly percent: number; readonly message: string | undefined }
  | { readonly kind: 'result'; readonly text: string }
  | undefined;

const PROGRESS = /^::progress\s+(-?\d+(?:\.\d+)?)(?:\s+(.*))?$/;
const RESULT = /^::result(?:\s(.*))?$/;

/**
 * The line protocol every command job speaks on stdout: `::progress <0-100> [message]` reports
 * progress, `::result <text>` sets the result. Anything else is a plain log line.
 */
export function parseProtocolLine(line: string): LineSignal {
  if (!line.startsWith('::')) return undefined;
  const progress = PROGRESS.exec(line);
  if (progress) return { kind: 'progress', percent: Number(progress[1]), message: progress[2]?.trim() || undefined };
  const result = RESULT.exec(line);
  if (result) return { kind: 'result', text: result[1] ?? '' };
  return undefined;
}

/** A job's `progress.pattern`: progress from its `percent` group, the step text from `message`. */
export function matchProgressPattern(pattern: RegExp, line: string): LineSignal {
  const groups = pattern.exec(line)?.groups;
  if (!groups || groups['percent'] === undefined) return undefined;
  const percent = Number(groups['percent']);
  if (!Number.isFinite(percent)) return undefined;
  return { kind: 'progress', percent, message: groups['message']?.trim() || undefined };
}
