import { describe, expect, it } from 'vitest';
import type { StatsPointDto } from '../protocol.js';
import { emptyPoint, type StatsAnswer } from './stats-series.js';
import { durationSummary, formatDuration, queueSummary, stepLabel, tableRows, throughputSummary } from './stats-summary.js';

const minute = (m: number) => new Date(Date.UTC(2026, 11, 2, 10, m)).toISOString();
const point = (m: number, extra: Partial<StatsPointDto> = {}): StatsPointDto => ({ ...emptyPoint(minute(m)), ...extra });
const hour = (points: StatsPointDto[], kind: string | null = null): StatsAnswer => ({ range: '1h', stepSeconds: 60, kind, points });

describe('formatDuration and stepLabel', () => {
  it('formats durations for people', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(2100)).toBe('2.1 s');
    expect(formatDuration(25_000)).toBe('25 s');
    expect(formatDuration(270_000)).toBe('4.5 min');
    expect(formatDuration(null)).toBe('—');
  });
  it('labels steps in UTC, with the date over a week', () => {
    expect(stepLabel('2026-12-02T10:42:00.000Z', '1h')).toBe('10:42');
    expect(stepLabel('2026-12-02T10:00:00.000Z', '7d')).toBe('12-02 10:00');
  });
});

describe('summaries', () => {
  const points = [
    point(0, { completed: 3, queueMax: 2, runningMax: 2, p50: 900, p95: 1200 }),
    point(1),
    point(2, { completed: 5, failed: 2, cancelled: 1, queueMax: 14, runningMax: 4, p50: 1100, p95: 2100 }),
  ];

  it('sums the tasks and names the busiest step', () => {
    expect(throughputSummary(hour(points))).toBe('Last hour: 8 completed, 2 failed, 1 cancelled; busiest at 10:02 UTC with 8 tasks finished.');
    expect(throughputSummary(hour([point(0)]))).toBe('Last hour: 0 completed, 0 failed, 0 cancelled.');
  });

  it('names the queue peak and the most running', () => {
    expect(queueSummary(hour(points))).toBe('Last hour: queue peaked at 14 at 10:02 UTC; at most 4 running at once (10:02 UTC).');
    expect(queueSummary(hour([point(0)]))).toContain('no samples of the queue');
    expect(queueSummary(hour(points, 'demo'))).toContain('all kinds only');
  });

  it('gives the spread of medians and the worst p95', () => {
    expect(durationSummary(hour(points))).toBe('Last hour: p50 between 900 ms and 1.1 s; p95 peaked at 2.1 s at 10:02 UTC.');
    expect(durationSummary(hour([point(0, { p50: 500, p95: 700 })]))).toBe('Last hour: p50 500 ms; p95 peaked at 700 ms at 10:00 UTC.');
    expect(durationSummary(hour([point(0)]))).toContain('no durations');
  });
});

describe('tableRows', () => {
  it('lists every step newest first, with dashes for nothing sampled', () => {
    const rows = tableRows(hour([point(0, { completed: 1, p50: 1500 }), point(1)]));
    expect(rows.map((r) => r.label)).toEqual(['10:01', '10:00']);
    expect(rows[0]).toMatchObject({ completed: '0', queue: '—', p50: '—' });
    expect(rows[1]).toMatchObject({ completed: '1', p50: '1.5 s' });
  });
});
