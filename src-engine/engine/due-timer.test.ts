import { describe, expect, it } from 'vitest';
import { ManualClock } from '../test-support/manual-clock.js';
import { DueTimer } from './due-timer.js';

describe('DueTimer', () => {
  it('fires items in order of due time, insertion order among equals, each once', () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    const due = new DueTimer<string>(clock, (item) => fired.push(`${item}@${clock.now()}`));
    due.set('c', 'c', 300);
    due.set('a', 'a', 100);
    due.set('b1', 'b1', 200);
    due.set('b2', 'b2', 200);
    clock.advance(250);
    expect(fired).toEqual(['a@100', 'b1@200', 'b2@200']);
    clock.advance(1000);
    expect(fired).toEqual(['a@100', 'b1@200', 'b2@200', 'c@300']);
    expect(due.size).toBe(0);
  });

  it('keeps one timer for 100,000 items, and fires them all', () => {
    const clock = new ManualClock(0);
    let fired = 0;
    const due = new DueTimer<number>(clock, () => fired++);
    for (let i = 0; i < 100_000; i++) due.set(`k${i}`, i, 1 + ((i * 7919) % 100_000));
    expect(clock.pending).toBe(1);
    expect(due.nextAt()).toBe(1);
    clock.advance(100_000);
    expect(fired).toBe(100_000);
    expect(clock.pending).toBe(0);
  });

  it('forgets deleted and replaced items, and re-arms for the new earliest', () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    const due = new DueTimer<string>(clock, (item) => fired.push(item));
    due.set('x', 'x-first', 100);
    due.set('y', 'y', 50);
    due.set('x', 'x-again', 500);
    expect(due.delete('y')).toBe(true);
    expect(due.delete('y')).toBe(false);
    expect(due.nextAt()).toBe(500);
    for (let i = 0; i < 3000; i++) due.set(`d${i}`, 'doomed', 10_000 + i);
    for (let i = 0; i < 3000; i++) due.delete(`d${i}`);
    clock.advance(20_000);
    expect(fired).toEqual(['x-again']);
    expect(clock.pending).toBe(0);
  });

  it('fires an item due in 40 days, past setTimeout\'s 24.8-day limit', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    const due = new DueTimer<string>(clock, () => fired.push(clock.now()));
    due.set('far', 'far', 40 * 24 * 3600_000);
    clock.advance(40 * 24 * 3600_000);
    expect(fired).toEqual([40 * 24 * 3600_000]);
  });

  it('stops for good', () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    const due = new DueTimer<string>(clock, (item) => fired.push(item));
    due.set('a', 'a', 10);
    due.stop();
    due.set('b', 'b', 10);
    clock.advance(100);
    expect(fired).toEqual([]);
  });
});
