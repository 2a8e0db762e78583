import { describe, expect, it } from 'vitest';
import { clockTime, runsIn, waitingBecause } from './task-waiting.js';
import { task } from './test-tasks.js';

describe('runsIn', () => {
  const runAt = '2026-12-02T14:05:00.000Z';
  const delayed = task({ id: 't1', state: 'scheduled', status: 'Scheduled', runAt });

  it('counts down to a delayed task’s time and names the time', () => {
    expect(runsIn(delayed, Date.parse(runAt) - 252_000, 'UTC')).toBe('Runs in 4 min 12 s, at 14:05:00');
    expect(runsIn(delayed, Date.parse(runAt) - 500, 'UTC')).toBe('Runs in 1 s, at 14:05:00');
  });

  it('says it is starting once due, and nothing for other tasks', () => {
    expect(runsIn(delayed, Date.parse(runAt), 'UTC')).toBe('Due at 14:05:00, starting…');
    expect(runsIn({ ...delayed, state: 'queued' }, 0)).toBeNull();
    expect(runsIn({ ...delayed, runAt: null }, 0)).toBeNull();
  });

  it('writes clock times in the given zone', () => {
    expect(clockTime(runAt, 'Europe/Berlin')).toBe('15:05:00');
  });
});

describe('waitingBecause', () => {
  it('says why a queued task waits, and nothing without a reason', () => {
    expect(waitingBecause(task({ id: 't', waitReason: 'paused' }))).toBe('Waiting: paused');
    expect(waitingBecause(task({ id: 't', waitReason: 'job limit 1 reached' }))).toBe('Waiting: job limit 1 reached');
    expect(waitingBecause(task({ id: 't', waitReason: null }))).toBeNull();
    expect(waitingBecause(task({ id: 't', state: 'running', waitReason: 'paused' }))).toBeNull();
  });
});
