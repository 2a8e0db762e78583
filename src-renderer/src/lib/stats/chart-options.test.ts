import { describe, expect, it } from 'vitest';
import { CHART_SERIES, chartData, readTheme, THEME_PROPERTIES, timeTick } from './chart-options.js';
import { emptyPoint, toColumns } from './stats-series.js';

describe('chart options', () => {
  it('reads every theme colour from its custom property, trimmed', () => {
    const values: Record<string, string> = { '--ok': ' #1a7f37', '--bad': '#c62828 ' };
    const theme = readTheme({ getPropertyValue: (name: string) => values[name] ?? '' });
    expect(theme.ok).toBe('#1a7f37');
    expect(theme.bad).toBe('#c62828');
    expect(theme.text).toBe('currentColor'); // missing: inherit rather than draw black on black
    expect(Object.keys(THEME_PROPERTIES).sort()).toEqual(Object.keys(theme).sort());
  });

  it('gives each chart x and its own series, in legend order', () => {
    const columns = toColumns([{ ...emptyPoint('2026-12-02T10:00:00.000Z'), completed: 2, failed: 1, queueMax: 4, runningMax: 2, p50: 1000, p95: 3000 }], 60);
    expect(chartData('throughput', columns)).toEqual([columns.x, [2], [1]]);
    expect(chartData('queue', columns)).toEqual([columns.x, [4], [2]]);
    expect(chartData('duration', columns)).toEqual([columns.x, [1], [3]]);
    expect(CHART_SERIES.throughput.map((s) => s.label)).toEqual(['Completed', 'Failed']);
  });

  it('labels time ticks in UTC, with the date for hourly steps', () => {
    const at = Date.UTC(2026, 11, 2, 9, 5) / 1000;
    expect(timeTick(at, 60)).toBe('09:05');
    expect(timeTick(at, 900)).toBe('09:05');
    expect(timeTick(at, 3600)).toBe('12-02 09:05');
  });
});
