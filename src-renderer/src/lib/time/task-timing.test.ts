import { describe, expect, it } from 'vitest';
import { elapsed, formatDuration, remaining, retryIn } from './task-timing.js';
import { running, task } from '../tasks/test-tasks.js';

const at = (iso: string) => Date.parse(iso);

describe('formatDuration', () => {
  it('writes m:ss and h:mm:ss with fixed-width seconds', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(999)).toBe('0:00');
    expect(formatDuration(7_500)).toBe('0:07');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
  });
  it('treats negatives and non-numbers as zero', () => {
    expect(formatDuration(-5000)).toBe('0:00');
    expect(formatDuration(Number.NaN)).toBe('0:00');
  });
});

describe('elapsed', () => {
  it('measures waiting time while queued', () => {
    expect(elapsed(task({ id: 'a', createdAt: '2025-01-01T00:00:00.000Z' }), at('2025-01-01T00:00:04.000Z'))).toEqual({
      label: 'Waiting',
      ms: 4000,
    });
  });
  it('measures run time from startedAt while running', () => {
    expect(elapsed(running('a', 30, '2025-01-01T00:00:01.000Z'), at('2025-01-01T00:00:04.500Z'))).toEqual({
      label: 'Running',
      ms: 3500,
    });
  });
  it('measures start to completion once finished', () => {
    const done = task({ id: 'a', state: 'completed', startedAt: '2025-01-01T00:00:01.000Z', completedAt: '2025-01-01T00:00:06.000Z' });
    expect(elapsed(done, at('2025-01-01T01:00:00.000Z'))).toEqual({ label: 'Took', ms: 5000 });
  });
  it('never goes negative under clock skew', () => {
    expect(elapsed(running('a', 10, '2025-01-01T00:00:05.000Z'), at('2025-01-01T00:00:01.000Z')).ms).toBe(0);
  });
});

describe('remaining', () => {
  const start = '2025-01-01T00:00:00.000Z';
  it('uses the progress rate up to when progress was reported', () => {
    const t = running('a', 30, start);
    // 30% reached after 3 s → 10 s total; at 4 s, 6 s remain.
    expect(remaining(t, at('2025-01-01T00:00:04.000Z'), at('2025-01-01T00:00:03.000Z'))).toBe(6000);
  });
  it('falls back to now when the report time is unknown', () => {
    const t = running('a', 50, start);
    expect(remaining(t, at('2025-01-01T00:00:05.000Z'))).toBe(5000);
  });
  it('uses the requested duration before any progress', () => {
    expect(remaining(running('a', 0, start), at('2025-01-01T00:00:01.000Z'))).toBe(4000);
    expect(remaining(task({ id: 'q', duration: 3000 }), 0)).toBe(3000);
    expect(remaining(task({ id: 'q', duration: null }), 0)).toBeNull();
  });
  it('is 0 for finished tasks and never negative', () => {
    expect(remaining(task({ id: 'a', state: 'completed' }), 0)).toBe(0);
    expect(remaining(running('a', 50, start), at('2025-01-01T00:01:00.000Z'), at('2025-01-01T00:00:01.000Z'))).toBe(0);
  });
});

describe('retryIn', () => {
  const waiting = task({ id: 'w', retryAt: '2025-01-01T00:00:10.000Z', attempt: 2, maxAttempts: 3 });
  it('counts whole seconds up to the retry, then 0', () => {
    expect(retryIn(waiting, at('2025-01-01T00:00:07.500Z'))).toBe(3);
    expect(retryIn(waiting, at('2025-01-01T00:00:09.999Z'))).toBe(1);
    expect(retryIn(waiting, at('2025-01-01T00:00:12.000Z'))).toBe(0);
  });
  it('is null for tasks not waiting to retry', () => {
    expect(retryIn(task({ id: 'q' }), 0)).toBeNull();
    expect(retryIn({ ...running('r', 10), retryAt: '2025-01-01T00:00:10.000Z' }, 0)).toBeNull();
  });
  it('adds the wait to the time left of a task waiting to retry', () => {
    expect(remaining(waiting, at('2025-01-01T00:00:08.000Z'))).toBe(5000 + 2000);
  });
});

describe('a delayed (scheduled) task', () => {
  const delayed = task({ id: 'd', state: 'scheduled', status: 'Scheduled', createdAt: '2025-01-01T00:00:00.000Z', runAt: '2025-01-01T00:05:00.000Z', duration: 5000 });

  it('counts its wait as waiting, not as time taken', () => {
    expect(elapsed(delayed, at('2025-01-01T00:01:00.000Z'))).toEqual({ label: 'Waiting', ms: 60_000 });
  });

  it('needs the rest of its wait plus its run', () => {
    expect(remaining(delayed, at('2025-01-01T00:04:00.000Z'))).toBe(65_000);
    expect(remaining(delayed, at('2025-01-01T00:06:00.000Z'))).toBe(5000);
    expect(remaining({ ...delayed, duration: null }, at('2025-01-01T00:04:00.000Z'))).toBe(60_000);
  });
});
