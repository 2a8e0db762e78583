import type { TaskKind } from './task-kind.js';

/** Most runs any task may be given, whatever it asks for. */
export const MAX_ATTEMPTS_LIMIT = 10;

/**
 * A task found running after a crash is re-run only while it has had fewer runs than this (or
 * its own maxAttempts, if higher): a task that crashes the process cannot crash it forever.
 */
export const INTERRUPTED_RUNS_LIMIT = 3;

/** Delay before the retry that follows run `attempt` (1-based), exponential and capped. */
export function backoffDelay(kind: Pick<TaskKind<unknown>, 'backoff'>, attempt: number): number {
  const { baseMs, maxMs } = kind.backoff ?? { baseMs: 1000, maxMs: 30_000 };
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** Whether a task interrupted by a crash during run `attempt` is queued again. */
export function shouldRerunInterrupted(kind: Pick<TaskKind<unknown>, 'onInterrupted'> | undefined, attempt: number, maxAttempts: number): boolean {
  if (!kind || (kind.onInterrupted ?? 'rerun') === 'fail') return false;
  return attempt < Math.max(maxAttempts, INTERRUPTED_RUNS_LIMIT);
}
