import { describe, expect, it } from 'vitest';
import type { StatsPointDto } from '../protocol.js';
import { applyTick, emptyPoint, fillGaps, hasData, parseRange, readStatsAnswer, tickNeedsReload, toColumns, type StatsAnswer } from './stats-series.js';

const minute = (m: number) => new Date(Date.UTC(2026, 11, 2, 10, m)).toISOString();
const point = (t: string, extra: Partial<StatsPointDto> = {}): StatsPointDto => ({ ...emptyPoint(t), ...extra });
const hour = (points: StatsPointDto[]): StatsAnswer => ({ range: '1h', stepSeconds: 60, kind: null, points });

describe('parseRange', () => {
  it('takes the known ranges and falls back to the last hour', () => {
    expect(parseRange('24h')).toBe('24h');
    expect(parseRange('7d')).toBe('7d');
    expect(parseRange('1y')).toBe('1h');
    expect(parseRange('toString')).toBe('1h');
    expect(parseRange(null)).toBe('1h');
  });
});

describe('readStatsAnswer', () => {
  it('reads an answer and drops points without a usable time', () => {
    const answer = readStatsAnswer({
      range: '1h',
      stepSeconds: 60,
      kind: 'demo',
      points: [point(minute(0), { completed: 2, p50: 1200 }), { t: 'yesterday' }, point(minute(1), { failed: 1 })],
    });
    expect(answer?.kind).toBe('demo');
    expect(answer?.points.map((p) => [p.t, p.completed, p.failed, p.p50])).toEqual([
      [minute(0), 2, 0, 1200],
      [minute(1), 0, 1, null],
    ]);
  });

  it('refuses what is not an answer, and reads bad numbers as nothing', () => {
    expect(readStatsAnswer({ points: 'x' })).toBeNull();
    expect(readStatsAnswer(null)).toBeNull();
    const answer = readStatsAnswer({ range: '1h', points: [{ t: minute(0), completed: -3, queueMax: 'a', p95: 5 }] });
    expect(answer?.points[0]).toMatchObject({ completed: 0, queueMax: null, p95: 5 });
    expect(answer?.stepSeconds).toBe(60);
  });
});

describe('fillGaps', () => {
  it('adds an empty point for every step no row covers', () => {
    const filled = fillGaps([point(minute(0), { completed: 1 }), point(minute(3), { completed: 2 })], 60, 60);
    expect(filled.map((p) => p.t)).toEqual([minute(0), minute(1), minute(2), minute(3)]);
    expect(filled[1]).toEqual(emptyPoint(minute(1)));
    expect(filled[3]?.completed).toBe(2);
  });

  it('keeps only the newest steps of the range', () => {
    const filled = fillGaps([point(minute(0)), point(minute(9))], 60, 5);
    expect(filled.map((p) => p.t)).toEqual([minute(5), minute(6), minute(7), minute(8), minute(9)]);
  });

  it('moves a point off the step boundary to its step, and returns nothing for nothing', () => {
    const filled = fillGaps([point('2026-12-02T10:07:31.000Z', { completed: 4 })], 15 * 60, 96);
    expect(filled).toEqual([point('2026-12-02T10:00:00.000Z', { completed: 4 })]);
    expect(fillGaps([], 60, 60)).toEqual([]);
  });
});

describe('applyTick', () => {
  it('updates the current minute in place', () => {
    const answer = hour([point(minute(0)), point(minute(1), { completed: 1 })]);
    const next = applyTick(answer, point(minute(1), { completed: 3, queueMax: 7 }));
    expect(next.points).toHaveLength(2);
    expect(next.points[1]).toMatchObject({ completed: 3, queueMax: 7 });
    expect(answer.points[1]?.completed).toBe(1); // not mutated
  });

  it('starts a new minute, fills missed ones, and keeps the range at 60 points', () => {
    const sixty = Array.from({ length: 60 }, (_, i) => point(minute(i)));
    const next = applyTick(hour(sixty), point(new Date(Date.UTC(2026, 11, 2, 11, 2)).toISOString(), { failed: 2 }));
    expect(next.points).toHaveLength(60);
    expect(next.points.at(-1)).toMatchObject({ t: '2026-12-02T11:02:00.000Z', failed: 2 });
    expect(next.points.at(-2)).toEqual(emptyPoint('2026-12-02T11:01:00.000Z'));
    expect(next.points[0]?.t).toBe(minute(3));
  });

  it('ignores a tick older than the newest point, and leaves longer ranges alone', () => {
    const answer = hour([point(minute(5), { completed: 1 })]);
    expect(applyTick(answer, point(minute(4), { completed: 9 }))).toBe(answer);
    const day: StatsAnswer = { range: '24h', stepSeconds: 900, kind: null, points: [point(minute(0))] };
    expect(applyTick(day, point(minute(5), { completed: 9 }))).toBe(day);
  });
});

describe('tickNeedsReload', () => {
  const day: StatsAnswer = { range: '24h', stepSeconds: 900, kind: null, points: [point(minute(0))] };
  it('reloads a longer range when a new step begins or the current one is due', () => {
    expect(tickNeedsReload(day, point(minute(14)), 0, 10_000)).toBe(false);
    expect(tickNeedsReload(day, point(minute(14)), 0, 30_000)).toBe(true);
    expect(tickNeedsReload(day, point(minute(15)), 0, 1_000)).toBe(true);
  });
  it('never reloads the hour of all kinds (ticks update it directly), but does one kind’s hour', () => {
    expect(tickNeedsReload(hour([point(minute(0))]), point(minute(9)), 0, 1e9)).toBe(false);
    const demo: StatsAnswer = { ...hour([point(minute(0))]), kind: 'demo' };
    expect(applyTick(demo, point(minute(0), { completed: 5 }))).toBe(demo);
    expect(tickNeedsReload(demo, point(minute(0)), 0, 10_000)).toBe(false);
    expect(tickNeedsReload(demo, point(minute(1)), 0, 10_000)).toBe(true);
  });
});

describe('hasData and toColumns', () => {
  it('tells an empty range from one with activity', () => {
    expect(hasData([point(minute(0)), point(minute(1), { queueMax: 0, runningMax: 0 })])).toBe(false);
    expect(hasData([point(minute(0), { cancelled: 1 })])).toBe(true);
    expect(hasData([point(minute(0), { queueMax: 2 })])).toBe(true);
  });

  it('gives uPlot the middle of each step in seconds on x, and durations in seconds, with gaps as null', () => {
    const columns = toColumns([point(minute(0), { completed: 2, p50: 1500, p95: 2500, queueMax: 3, runningMax: 1 }), point(minute(1))], 60);
    expect(columns.x).toEqual([Date.UTC(2026, 11, 2, 10, 0) / 1000 + 30, Date.UTC(2026, 11, 2, 10, 1) / 1000 + 30]);
    expect(columns.completed).toEqual([2, 0]);
    expect(columns.p50).toEqual([1.5, null]);
    expect(columns.p95).toEqual([2.5, null]);
    expect(columns.queueMax).toEqual([3, null]);
  });
});
