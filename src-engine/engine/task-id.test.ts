import { afterEach, describe, expect, it, vi } from 'vitest';
import { newTaskId, taskIdTime, UUID_V7 } from './task-id.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** The 12-bit counter (rand_a) of a UUIDv7. */
const counterOf = (id: string) => parseInt(id.slice(15, 18), 16);

describe('newTaskId (UUIDv7)', () => {
  it('is an RFC 9562 UUID: 8-4-4-4-12 lower-case hex, version 7, variant 0b10', () => {
    for (let i = 0; i < 2000; i++) {
      const id = newTaskId();
      expect(id).toMatch(UUID_V7);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]);
    }
  });

  it('carries the current time in its first 48 bits', () => {
    const before = Date.now();
    const id = newTaskId();
    const after = Date.now();
    expect(taskIdTime(id)).toBeGreaterThanOrEqual(before);
    expect(taskIdTime(id)).toBeLessThanOrEqual(after + 1);
    expect(taskIdTime('1b4e28ba-2fa1-41d2-883f-0016d3cca427')).toBeUndefined(); // a v4
  });

  it('sorts in creation order, also within one millisecond (a counter in rand_a)', () => {
    const ids = Array.from({ length: 20_000 }, () => newTaskId());
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // Many of them shared a millisecond: there the counter went up by one each time.
    const sameMs = ids.findIndex((id, i) => i > 0 && taskIdTime(id) === taskIdTime(ids[i - 1]!));
    expect(sameMs).toBeGreaterThan(0);
    expect(counterOf(ids[sameMs]!)).toBe(counterOf(ids[sameMs - 1]!) + 1);
  });

  it('starts each millisecond with a counter below 2048, and borrows from the next millisecond when it runs out', () => {
    const now = 1_800_000_000_123;
    vi.spyOn(Date, 'now').mockReturnValue(now);
    const ids = Array.from({ length: 5000 }, () => newTaskId());
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    const firstInMs = ids.findIndex((id) => taskIdTime(id) === now);
    expect(counterOf(ids[firstInMs]!)).toBeLessThan(2048);
    const times = ids.map((id) => taskIdTime(id)!);
    expect(Math.max(...times)).toBeGreaterThan(now); // > 2048 ids in one ms: carried forward
    expect(Math.max(...times)).toBeLessThanOrEqual(now + 3);
  });

  it('never goes back when the clock does', () => {
    const spy = vi.spyOn(Date, 'now').mockReturnValue(1_900_000_000_000);
    const before = newTaskId();
    spy.mockReturnValue(1_899_999_000_000); // the clock steps back a second
    const after = newTaskId();
    expect(after > before).toBe(true);
    expect(taskIdTime(after)).toBeGreaterThanOrEqual(taskIdTime(before)!);
  });

  it('is unguessable in its last 62 bits', () => {
    const now = 2_000_000_000_000;
    vi.spyOn(Date, 'now').mockReturnValue(now);
    const tails = new Set(Array.from({ length: 1000 }, () => newTaskId().slice(19)));
    expect(tails.size).toBe(1000);
  });
});
