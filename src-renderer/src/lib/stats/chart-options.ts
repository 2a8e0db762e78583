/**
 * uPlot settings for the three charts (pure: uPlot itself is passed in, so this module adds
 * nothing to a bundle that does not load it). Colours come from the page's CSS custom properties,
 * read by the caller, so the charts follow the light and dark themes.
 */
import type uPlot from 'uplot';
import type { ChartColumns } from './stats-series.js';

/** Which chart: tasks finished per step, queue and running, or duration percentiles. */
export type ChartKind = 'throughput' | 'queue' | 'duration';

/** The colours a chart uses (CSS colour strings). */
export interface ChartTheme {
  text: string;
  muted: string;
  grid: string;
  ok: string;
  bad: string;
  accent: string;
  warn: string;
}

/** The CSS custom properties of app.css each theme colour comes from. */
export const THEME_PROPERTIES: Readonly<Record<keyof ChartTheme, string>> = {
  text: '--text',
  muted: '--muted',
  grid: '--border',
  ok: '--ok',
  bad: '--bad',
  accent: '--accent',
  warn: '--warn',
};

/** Reads the theme from computed custom properties (`getComputedStyle(document.documentElement)`). */
export function readTheme(style: Pick<CSSStyleDeclaration, 'getPropertyValue'>): ChartTheme {
  const theme = {} as ChartTheme;
  for (const [key, property] of Object.entries(THEME_PROPERTIES) as [keyof ChartTheme, string][]) theme[key] = style.getPropertyValue(property).trim() || 'currentColor';
  return theme;
}

/** One line or bar series of a chart. */
interface SeriesSpec {
  label: string;
  column: Exclude<keyof ChartColumns, 'x' | 'stepSeconds'>;
  color: keyof ChartTheme;
  bars?: -1 | 1;
}

/** The series each chart draws, in legend order. */
export const CHART_SERIES: Readonly<Record<ChartKind, readonly SeriesSpec[]>> = {
  throughput: [
    { label: 'Completed', column: 'completed', color: 'ok', bars: -1 },
    { label: 'Failed', column: 'failed', color: 'bad', bars: 1 },
  ],
  queue: [
    { label: 'Queue depth (max)', column: 'queueMax', color: 'warn' },
    { label: 'Running (max)', column: 'runningMax', color: 'accent' },
  ],
  duration: [
    { label: 'p50', column: 'p50', color: 'accent' },
    { label: 'p95', column: 'p95', color: 'bad' },
  ],
};

/** uPlot's data for a chart: x, then its series' columns. */
export function chartData(kind: ChartKind, columns: ChartColumns): uPlot.AlignedData {
  return [columns.x, ...CHART_SERIES[kind].map((spec) => columns[spec.column])];
}

/** How a chart's y values read on its axis and in its legend. */
function formatValue(kind: ChartKind, value: number | null): string {
  if (value === null) return '—';
  return kind === 'duration' ? `${+value.toFixed(value < 10 ? 2 : 0)} s` : String(+value.toFixed(1));
}

/** An x axis tick (Unix seconds) as a UTC label: `14:05`, with the date over a week (`12-02 14:00`). */
export function timeTick(seconds: number, stepSeconds: number): string {
  const iso = new Date(seconds * 1000).toISOString();
  return stepSeconds >= 3600 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}

/**
 * uPlot options for a chart of the given size. Times are UTC, as in the summaries; x values are
 * the middle of each step, and the x range spans whole steps, so the newest step's bars show.
 */
export function chartOptions(U: typeof uPlot, kind: ChartKind, theme: ChartTheme, size: { width: number; height: number }, stepSeconds: number): uPlot.Options {
  const half = stepSeconds / 2;
  const axis = (extra: Partial<uPlot.Axis> = {}): uPlot.Axis => ({
    stroke: theme.muted,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1 },
    ...extra,
  });
  return {
    ...size,
    tzDate: (ts) => U.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { x: { time: true, range: (_u, min, max) => [min - half, max + half] }, y: { range: (_u, _min, max) => [0, Math.max(kind === 'duration' ? 0.1 : 1, max ?? 0) * 1.1] } },
    axes: [axis({ values: (_u, ticks) => ticks.map((tick) => timeTick(tick, stepSeconds)) }), axis({ size: 56, values: (_u, values) => values.map((v) => formatValue(kind, v)) })],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    series: [
      { label: 'Step (UTC)', value: (_u, v) => (v === null ? '—' : timeTick(v - half, stepSeconds)) },
      ...CHART_SERIES[kind].map((spec): uPlot.Series => {
        const color = theme[spec.color];
        const common = { label: spec.label, stroke: color, width: 2, value: (_u: uPlot, v: number | null) => formatValue(kind, v) };
        if (spec.bars && U.paths.bars) return { ...common, fill: color, width: 0, paths: U.paths.bars({ size: [0.4, 24], align: spec.bars }), points: { show: false } };
        // Points too: a step between two empty ones has no line to draw.
        return { ...common, points: { show: true, size: 5, fill: color }, spanGaps: false };
      }),
    ],
  };
}
