/**
 * How long a task has taken and how long it still needs, and how to write durations.
 * Times are epoch ms on the server's clock (the page corrects its own clock by the offset
 * it learns from the server, see `ServerClock`).
 */
import type { TaskDto } from '../protocol.js';

function time(iso: string | null): number | null {
  if (iso === null) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** Writes a duration as `m:ss` (or `h:mm:ss`), rounding down to whole seconds; negatives are 0. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor((Number.isFinite(ms) ? ms : 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A task's elapsed time with what it measures. */
export interface Elapsed {
  /** `Waiting` (scheduled or queued), `Running` (since start) or `Took` (finished). */
  label: 'Waiting' | 'Running' | 'Took';
  ms: number;
}

/**
 * Elapsed time: waiting time while scheduled or queued, run time while running, and the total run time once
 * finished (from start, or from creation for a task that never started).
 */
export function elapsed(task: TaskDto, now: number): Elapsed {
  const created = time(task.createdAt) ?? now;
  const started = time(task.startedAt);
  switch (task.state) {
    case 'scheduled':
    case 'queued':
      return { label: 'Waiting', ms: Math.max(0, now - created) };
    case 'running':
      return { label: 'Running', ms: Math.max(0, now - (started ?? created)) };
    default: {
      const end = time(task.completedAt) ?? now;
      return { label: 'Took', ms: Math.max(0, end - (started ?? created)) };
    }
  }
}

/**
 * Estimated time left, ms, or `null` when there is nothing to estimate from.
 *
 * While running with some progress, the rate is progress over the time it took to reach it:
 * `progressAt` is when the current progress was reported (server clock), so the estimate counts
 * down smoothly between reports instead of growing; without it, `now` is used. Before any
 * progress, the requested `duration` (if the kind has one) stands in. Finished tasks need 0.
 */
export function remaining(task: TaskDto, now: number, progressAt: number | null = null): number | null {
  if (task.state === 'scheduled') {
    // A delayed task: the wait until its time, then its run (a kind without a duration: the wait alone).
    const at = time(task.runAt);
    const wait = at === null ? 0 : Math.max(0, at - now);
    return task.duration === null ? (at === null ? null : wait) : wait + task.duration;
  }
  if (task.state === 'queued') {
    const wait = retryIn(task, now);
    return task.duration === null ? null : task.duration + (wait === null ? 0 : wait * 1000);
  }
  if (task.state !== 'running') return 0;
  const started = time(task.startedAt);
  const p = task.progress;
  if (started === null) return task.duration;
  if (p <= 0) return task.duration === null ? null : Math.max(0, started + task.duration - now);
  if (p >= 100) return 0;
  const reachedAt = Math.min(progressAt ?? now, now);
  const spent = Math.max(1, reachedAt - started);
  const total = (spent * 100) / p;
  return Math.max(0, started + total - now);
}

/**
 * Whole seconds (rounded up) until a task waiting out a retry backoff goes back into the queue,
 * 0 once due; `null` when it is not waiting to retry.
 */
export function retryIn(task: TaskDto, now: number): number | null {
  if (task.state !== 'queued' || task.retryAt === null) return null;
  const at = time(task.retryAt);
  return at === null ? null : Math.max(0, Math.ceil((at - now) / 1000));
}
