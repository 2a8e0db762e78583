import type { EngineEvent, EngineListener } from '../engine/engine-events.js';
import type { TaskCounts } from '../engine/task-record.js';
import { BoundedLabels } from './bounded-labels.js';
import { addDuration, mergeSketch, quantile } from './duration-sketch.js';
import { ALL_KINDS, type MinuteRow, type RollupStore } from './rollup-store.js';
import { MAX_KIND_LABELS } from './task-metrics.js';

/** What the rollups read from the engine (a TaskEngine fits; tests pass a fake). */
export interface StatsSource {
  subscribe(listener: EngineListener): () => void;
  readonly queuedCount: number;
  /**
   * Tasks running now, when the source can tell without copying its counts (a TaskEngine can):
   * every state change samples it, three times per task.
   */
  readonly runningCount?: number;
  counts(): TaskCounts;
}

/** The ranges `GET /api/stats` offers, with the step its points are aggregated to. */
export const STATS_RANGES = {
  '1h': { minutes: 60, stepMinutes: 1 },
  '24h': { minutes: 24 * 60, stepMinutes: 15 },
  '7d': { minutes: 7 * 24 * 60, stepMinutes: 60 },
} as const;

/** A range name of {@link STATS_RANGES}. */
export type StatsRange = keyof typeof STATS_RANGES;

/** One point of a chart: a step's totals. */
export interface StatsPoint {
  /** Start of the step, ISO 8601. */
  t: string;
  completed: number;
  failed: number;
  cancelled: number;
  /** Highest queue depth / running count sampled in the step; null when nothing was sampled (server down). */
  queueMax: number | null;
  runningMax: number | null;
  /** Duration percentiles in ms (within ~12 %, see duration-sketch.ts); null when no task finished. */
  p50: number | null;
  p95: number | null;
}

/** Options of {@link StatsRollups}. */
export interface StatsRollupOptions {
  now?: () => number;
  /** Minutes kept. Default 8 days. */
  retentionMinutes?: number;
  /** How often changed minutes are written. Default 10 s. */
  flushMs?: number;
  /** How often queue depth and running count are sampled besides at each state change. Default 5 s. */
  sampleMs?: number;
  /** Hears a failed write (the minutes stay in memory and are tried again at the next flush). */
  onError?: (error: unknown) => void;
}

const MINUTE_MS = 60_000;
const FINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * Per-minute rollups of the engine's life, computed incrementally from its events: tasks
 * completed, failed and cancelled, the highest queue depth and running count, and a duration
 * sketch (p50/p95), per kind and for all kinds. Minutes being filled live in memory and are
 * written in small batches (every {@link StatsRollupOptions.flushMs}, and at close) to a
 * {@link RollupStore}, which keeps {@link StatsRollupOptions.retentionMinutes} of them; a restart
 * within a minute continues that minute's row instead of replacing it.
 */
export class StatsRollups {
  private readonly now: () => number;
  private readonly retentionMinutes: number;
  private readonly kinds = new BoundedLabels(MAX_KIND_LABELS);
  /** Rows changed since the last flush (always including the current minute's, once touched). */
  private readonly open = new Map<string, MinuteRow>();
  private readonly timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | undefined;
  private prunedAt = -1;
  /**
   * The rows of the minute last touched, by kind: three events per task each asked `open` for two
   * rows by a key text built per call. Forgotten at each flush (which may drop rows from `open`).
   */
  private rowsMinute = -1;
  private readonly rowsOfMinute = new Map<string, MinuteRow>();
  private readonly onError: (error: unknown) => void;

  constructor(
    private readonly source: StatsSource,
    private readonly store: RollupStore,
    options: StatsRollupOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.retentionMinutes = options.retentionMinutes ?? 8 * 24 * 60;
    this.onError = options.onError ?? (() => undefined);
    this.unsubscribe = source.subscribe((event) => this.onEvent(event));
    const flush = setInterval(() => this.flush(), options.flushMs ?? 10_000);
    const sample = setInterval(() => this.sample(), options.sampleMs ?? 5_000);
    flush.unref();
    sample.unref();
    this.timers.push(flush, sample);
  }

  /** Samples queue depth and running count into the current minute. */
  sample(): void {
    this.sampleInto(this.minuteNow());
  }

  /** {@link sample} into a minute the caller already read (an event reads the clock once). */
  private sampleInto(minute: number): void {
    const row = this.row(minute, ALL_KINDS);
    row.queueMax = Math.max(row.queueMax, this.source.queuedCount);
    row.runningMax = Math.max(row.runningMax, this.source.runningCount ?? this.source.counts().running);
  }

  /** Writes the changed minutes in one batch, forgets the finished ones, prunes old ones. */
  flush(): void {
    this.rowsMinute = -1;
    this.rowsOfMinute.clear();
    const current = this.minuteNow();
    try {
      this.store.upsert([...this.open.values()]);
    } catch (error) {
      this.onError(error); // a timer must never throw; the rows stay open and are written next time
      return;
    }
    for (const [key, row] of this.open) if (row.minute < current) this.open.delete(key);
    if (current !== this.prunedAt) {
      try {
        this.store.prune(current - this.retentionMinutes + 1);
        this.prunedAt = current;
      } catch (error) {
        this.onError(error);
      }
    }
  }

  /** The chart points of a range (oldest first), for all kinds or one. */
  query(range: StatsRange, kind?: string): { stepSeconds: number; points: StatsPoint[] } {
    const { minutes, stepMinutes } = STATS_RANGES[range];
    const to = this.minuteNow();
    // A fixed number of steps, the last one the step now in progress.
    const first = Math.floor(to / stepMinutes) * stepMinutes - (minutes / stepMinutes - 1) * stepMinutes;
    const label = kind === undefined ? ALL_KINDS : kind;
    const rows = new Map<number, MinuteRow>();
    for (const row of this.store.query(label, first, to)) rows.set(row.minute, row);
    for (const row of this.open.values()) if (row.kind === label && row.minute >= first) rows.set(row.minute, row);
    const points: StatsPoint[] = [];
    for (let start = first; start <= to; start += stepMinutes) {
      const step = { completed: 0, failed: 0, cancelled: 0, queueMax: null as number | null, runningMax: null as number | null, durations: new Map<number, number>() };
      for (let minute = start; minute < start + stepMinutes; minute++) {
        const row = rows.get(minute);
        if (!row) continue;
        step.completed += row.completed;
        step.failed += row.failed;
        step.cancelled += row.cancelled;
        if (label === ALL_KINDS) {
          step.queueMax = Math.max(step.queueMax ?? 0, row.queueMax);
          step.runningMax = Math.max(step.runningMax ?? 0, row.runningMax);
        }
        mergeSketch(step.durations, row.durations);
      }
      points.push({
        t: new Date(start * MINUTE_MS).toISOString(),
        completed: step.completed,
        failed: step.failed,
        cancelled: step.cancelled,
        queueMax: step.queueMax,
        runningMax: step.runningMax,
        p50: quantile(step.durations, 0.5),
        p95: quantile(step.durations, 0.95),
      });
    }
    return { stepSeconds: stepMinutes * 60, points };
  }

  /** The current minute, all kinds: what the live push sends. */
  currentPoint(): StatsPoint {
    const minute = this.minuteNow();
    const row = this.open.get(`${minute}|${ALL_KINDS}`) ?? this.loaded(minute, ALL_KINDS);
    return {
      t: new Date(minute * MINUTE_MS).toISOString(),
      completed: row?.completed ?? 0,
      failed: row?.failed ?? 0,
      cancelled: row?.cancelled ?? 0,
      queueMax: row?.queueMax ?? null,
      runningMax: row?.runningMax ?? null,
      p50: row ? quantile(row.durations, 0.5) : null,
      p95: row ? quantile(row.durations, 0.95) : null,
    };
  }

  /** Stops listening and writes what is pending. */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const timer of this.timers) clearInterval(timer);
    this.flush();
  }

  private onEvent(event: EngineEvent): void {
    if (event.type === 'tasksDeleted') return;
    if (event.type === 'taskUpdated' && !event.stateChanged) return; // progress ticks change nothing here
    const minute = this.minuteNow();
    const task = event.task;
    if (event.type === 'taskUpdated' && FINAL.has(task.state)) {
      const state = task.state as 'completed' | 'failed' | 'cancelled';
      const ms = task.startedAt !== null && task.completedAt !== null ? Math.max(0, task.completedAt - task.startedAt) : undefined;
      countEnd(this.row(minute, ALL_KINDS), state, ms);
      countEnd(this.row(minute, this.kinds.of(task.kind)), state, ms);
    }
    this.sampleInto(minute);
  }

  /** The row being filled for a minute and kind, created (or continued from the store) when new. */
  private row(minute: number, kind: string): MinuteRow {
    if (minute === this.rowsMinute) {
      const known = this.rowsOfMinute.get(kind);
      if (known) return known;
    } else {
      this.rowsMinute = minute;
      this.rowsOfMinute.clear();
    }
    const key = `${minute}|${kind}`;
    let row = this.open.get(key);
    if (!row) {
      row = this.loaded(minute, kind) ?? { minute, kind, completed: 0, failed: 0, cancelled: 0, queueMax: 0, runningMax: 0, durations: new Map() };
      this.open.set(key, row);
    }
    this.rowsOfMinute.set(kind, row);
    return row;
  }

  /** A row already stored (a restart within its minute, or after a flush). */
  private loaded(minute: number, kind: string): MinuteRow | undefined {
    return this.store.query(kind, minute, minute)[0];
  }

  private minuteNow(): number {
    return Math.floor(this.now() / MINUTE_MS);
  }
}

/** A task's end, counted in a minute's row (its duration too, when it ran). */
function countEnd(row: MinuteRow, state: 'completed' | 'failed' | 'cancelled', ms: number | undefined): void {
  row[state]++;
  if (ms !== undefined) addDuration(row.durations, ms);
}
