/**
 * The charts in words (pure), for screen readers and for a quick read: one sentence per chart,
 * and the rows of the data table. Times are UTC, so the server and the browser render the same.
 */
import type { StatsPointDto } from '../protocol.js';
import { STATS_RANGES, type StatsAnswer, type StatsRange } from './stats-series.js';

/** A step's start as a short UTC label: `14:05` within a day, `12-02 14:00` over a week. */
export function stepLabel(iso: string, range: StatsRange): string {
  const time = iso.slice(11, 16);
  return range === '7d' ? `${iso.slice(5, 10)} ${time}` : time;
}

/** A duration in ms for people: `850 ms`, `2.1 s`, `4.5 min`. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** The point with the highest value of `pick` (the earliest on ties), or null when none has one. */
function peak(points: readonly StatsPointDto[], pick: (point: StatsPointDto) => number | null): { point: StatsPointDto; value: number } | null {
  let best: { point: StatsPointDto; value: number } | null = null;
  for (const point of points) {
    const value = pick(point);
    if (value !== null && (best === null || value > best.value)) best = { point, value };
  }
  return best;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Tasks finished in the range, and the busiest step. */
export function throughputSummary(answer: StatsAnswer): string {
  const { points, range } = answer;
  const sum = (pick: (p: StatsPointDto) => number) => points.reduce((total, p) => total + pick(p), 0);
  const completed = sum((p) => p.completed);
  const failed = sum((p) => p.failed);
  const cancelled = sum((p) => p.cancelled);
  const head = `${STATS_RANGES[range].label}: ${completed} completed, ${failed} failed, ${cancelled} cancelled`;
  const busiest = peak(points, (p) => p.completed + p.failed + p.cancelled || null);
  if (!busiest) return `${head}.`;
  return `${head}; busiest at ${stepLabel(busiest.point.t, range)} UTC with ${plural(busiest.value, 'task')} finished.`;
}

/** How deep the queue got and how many ran at once. */
export function queueSummary(answer: StatsAnswer): string {
  const { points, range } = answer;
  if (answer.kind !== null) return `The queue is shared by every kind: its depth is shown for all kinds only.`;
  const queue = peak(points, (p) => p.queueMax);
  const running = peak(points, (p) => p.runningMax);
  if (!queue || !running) return `${STATS_RANGES[range].label}: no samples of the queue (the server was not running).`;
  return (
    `${STATS_RANGES[range].label}: queue peaked at ${queue.value} at ${stepLabel(queue.point.t, range)} UTC; ` +
    `at most ${running.value} running at once (${stepLabel(running.point.t, range)} UTC).`
  );
}

/** Duration percentiles: the range of the medians and the worst p95. */
export function durationSummary(answer: StatsAnswer): string {
  const { points, range } = answer;
  const medians = points.map((p) => p.p50).filter((v): v is number => v !== null);
  const worst = peak(points, (p) => p.p95);
  if (medians.length === 0 || !worst) return `${STATS_RANGES[range].label}: no task finished, so no durations.`;
  const low = Math.min(...medians);
  const high = Math.max(...medians);
  const median = low === high ? `p50 ${formatDuration(low)}` : `p50 between ${formatDuration(low)} and ${formatDuration(high)}`;
  return `${STATS_RANGES[range].label}: ${median}; p95 peaked at ${formatDuration(worst.value)} at ${stepLabel(worst.point.t, range)} UTC.`;
}

/** One row of the data table, as text. */
export interface StatsRow {
  t: string;
  label: string;
  completed: string;
  failed: string;
  cancelled: string;
  queue: string;
  running: string;
  p50: string;
  p95: string;
}

/** The data table's rows, newest first (what a reader wants first), empty steps included. */
export function tableRows(answer: StatsAnswer): StatsRow[] {
  const gauge = (value: number | null) => (value === null ? '—' : String(value));
  return answer.points
    .map((p) => ({
      t: p.t,
      label: stepLabel(p.t, answer.range),
      completed: String(p.completed),
      failed: String(p.failed),
      cancelled: String(p.cancelled),
      queue: gauge(p.queueMax),
      running: gauge(p.runningMax),
      p50: formatDuration(p.p50),
      p95: formatDuration(p.p95),
    }))
    .reverse();
}
