/**
 * The charts' data (pure): reading `GET /api/stats` answers, keeping a range continuous (one point
 * per step, also for steps no row covers), folding in the live `statsTick` minute, and shaping
 * the points into uPlot's column arrays.
 */
import type { StatsPointDto } from '../protocol.js';
import { isObject } from '../tasks/read-task.js';

/** The ranges the API serves, with their step and point count (mirrors the engine's STATS_RANGES). */
export const STATS_RANGES = {
  '1h': { label: 'Last hour', stepSeconds: 60, points: 60 },
  '24h': { label: 'Last day', stepSeconds: 15 * 60, points: 96 },
  '7d': { label: 'Last week', stepSeconds: 60 * 60, points: 168 },
} as const;

/** A range name of {@link STATS_RANGES}. */
export type StatsRange = keyof typeof STATS_RANGES;

/** A `GET /api/stats` answer. */
export interface StatsAnswer {
  range: StatsRange;
  stepSeconds: number;
  /** The kind the points are for; null for all kinds. */
  kind: string | null;
  /** Oldest first, one per step; the last one is the step in progress. */
  points: StatsPointDto[];
}

/** The range a URL asks for (`?range=`), `1h` when absent or unknown. */
export function parseRange(value: string | null | undefined): StatsRange {
  return value !== null && value !== undefined && Object.hasOwn(STATS_RANGES, value) ? (value as StatsRange) : '1h';
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0);
const maybe = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** Checks one point as the server sent it; null when it is not one (no usable time). */
export function readStatsPoint(value: unknown): StatsPointDto | null {
  if (!isObject(value) || typeof value['t'] !== 'string' || Number.isNaN(Date.parse(value['t']))) return null;
  return {
    t: value['t'],
    completed: count(value['completed']),
    failed: count(value['failed']),
    cancelled: count(value['cancelled']),
    queueMax: maybe(value['queueMax']),
    runningMax: maybe(value['runningMax']),
    p50: maybe(value['p50']),
    p95: maybe(value['p95']),
  };
}

/** Checks a `GET /api/stats` answer; null when it is not one. Points come back continuous. */
export function readStatsAnswer(value: unknown): StatsAnswer | null {
  if (!isObject(value) || !Array.isArray(value['points'])) return null;
  const range = parseRange(typeof value['range'] === 'string' ? value['range'] : null);
  const stepSeconds = typeof value['stepSeconds'] === 'number' && value['stepSeconds'] > 0 ? value['stepSeconds'] : STATS_RANGES[range].stepSeconds;
  const points = value['points'].map(readStatsPoint).filter((point): point is StatsPointDto => point !== null);
  const kind = typeof value['kind'] === 'string' ? value['kind'] : null;
  return { range, stepSeconds, kind, points: fillGaps(points, stepSeconds, STATS_RANGES[range].points) };
}

/** A step nothing was recorded in: no tasks finished, nothing sampled (the server was down). */
export function emptyPoint(t: string): StatsPointDto {
  return { t, completed: 0, failed: 0, cancelled: 0, queueMax: null, runningMax: null, p50: null, p95: null };
}

/** Start of the step holding `ms`, in ms (steps are aligned to the epoch, as the server's are). */
export function stepStart(ms: number, stepSeconds: number): number {
  const step = stepSeconds * 1000;
  return Math.floor(ms / step) * step;
}

/**
 * One point per step, the newest step last, at most `length` of them: steps with no point get
 * {@link emptyPoint} (the server answers every step of a range, but a live append after a sleep
 * can skip some), and points not on a step boundary are moved to the step they fall in.
 */
export function fillGaps(points: readonly StatsPointDto[], stepSeconds: number, length: number): StatsPointDto[] {
  if (points.length === 0) return [];
  const byStep = new Map<number, StatsPointDto>();
  for (const point of points) {
    const at = stepStart(Date.parse(point.t), stepSeconds);
    byStep.set(at, { ...point, t: new Date(at).toISOString() });
  }
  const last = Math.max(...byStep.keys());
  const step = stepSeconds * 1000;
  const first = Math.max(Math.min(...byStep.keys()), last - (length - 1) * step);
  const filled: StatsPointDto[] = [];
  for (let at = first; at <= last; at += step) filled.push(byStep.get(at) ?? emptyPoint(new Date(at).toISOString()));
  return filled;
}

/**
 * Folds a live `statsTick` (the current minute, complete so far) into a 1-minute range: it
 * replaces the point of its minute or starts a new one (the oldest drops out, missed minutes are
 * filled empty). A tick older than the newest point is ignored. Longer ranges are not changed
 * here, nor one kind's hour: their current step sums minutes (or kinds) the tick does not carry
 * (see {@link tickNeedsReload}).
 */
export function applyTick(answer: StatsAnswer, tick: StatsPointDto): StatsAnswer {
  if (answer.stepSeconds !== 60 || answer.kind !== null) return answer; // the tick counts every kind
  const at = stepStart(Date.parse(tick.t), 60);
  const newest = answer.points.at(-1);
  if (newest && at < Date.parse(newest.t)) return answer;
  const kept = newest && at === Date.parse(newest.t) ? answer.points.slice(0, -1) : answer.points;
  return { ...answer, points: fillGaps([...kept, { ...tick }], 60, STATS_RANGES[answer.range].points) };
}

/**
 * Whether a tick should make the page ask the server again for the current step: for longer
 * ranges, and for one kind (the tick counts every kind). The hour of all kinds takes ticks as they are.
 */
export function tickNeedsReload(answer: StatsAnswer, tick: StatsPointDto, lastLoadMs: number, nowMs: number, everyMs = 30_000): boolean {
  if (answer.stepSeconds === 60 && answer.kind === null) return false;
  const newest = answer.points.at(-1);
  // A new step began since the answer (it ends the range), or the current one is due a refresh.
  const newStep = !newest || stepStart(Date.parse(tick.t), answer.stepSeconds) > Date.parse(newest.t);
  return newStep || nowMs - lastLoadMs >= everyMs;
}

/** Whether anything was recorded in the range: a task finished, or the queue was sampled non-empty. */
export function hasData(points: readonly StatsPointDto[]): boolean {
  return points.some((p) => p.completed + p.failed + p.cancelled > 0 || (p.queueMax ?? 0) > 0 || (p.runningMax ?? 0) > 0);
}

/** uPlot's columns: x in Unix seconds, then one array per series (null: a gap in the line). */
export interface ChartColumns {
  /** The middle of each step (so a step's bars sit inside it, and its line point at its centre). */
  x: number[];
  /** The step's length, seconds (for the x range and for labels of the step's start). */
  stepSeconds: number;
  completed: number[];
  failed: number[];
  queueMax: (number | null)[];
  runningMax: (number | null)[];
  /** Durations in seconds. */
  p50: (number | null)[];
  p95: (number | null)[];
}

/** Shapes the points into uPlot's column arrays. */
export function toColumns(points: readonly StatsPointDto[], stepSeconds: number): ChartColumns {
  const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
  return {
    x: points.map((p) => Date.parse(p.t) / 1000 + stepSeconds / 2),
    stepSeconds,
    completed: points.map((p) => p.completed),
    failed: points.map((p) => p.failed),
    queueMax: points.map((p) => p.queueMax),
    runningMax: points.map((p) => p.runningMax),
    p50: points.map((p) => seconds(p.p50)),
    p95: points.map((p) => seconds(p.p95)),
  };
}
