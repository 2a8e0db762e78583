import { describe, expect, it } from 'vitest';
import { backoffCeiling, DEFAULT_RECONNECT, reconnectDelay } from './reconnect-schedule.js';

describe('backoffCeiling', () => {
  it('doubles from the base up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffCeiling(n))).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000]);
  });
  it('stays at the cap for huge attempts and treats negatives as 0', () => {
    expect(backoffCeiling(10_000)).toBe(DEFAULT_RECONNECT.capMs);
    expect(backoffCeiling(-3)).toBe(500);
  });
  it('never goes below minMs', () => {
    expect(backoffCeiling(0, { baseMs: 10, factor: 2, capMs: 1000, minMs: 100 })).toBe(100);
  });
});

describe('reconnectDelay', () => {
  it('spans [minMs, ceiling] with full jitter', () => {
    expect(reconnectDelay(3, DEFAULT_RECONNECT, () => 0)).toBe(DEFAULT_RECONNECT.minMs);
    expect(reconnectDelay(3, DEFAULT_RECONNECT, () => 0.999999)).toBe(4000);
    expect(reconnectDelay(3, DEFAULT_RECONNECT, () => 0.5)).toBe(Math.round(250 + 0.5 * 3750));
  });
  it('is always within bounds for random draws', () => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const delay = reconnectDelay(attempt);
      expect(delay).toBeGreaterThanOrEqual(DEFAULT_RECONNECT.minMs);
      expect(delay).toBeLessThanOrEqual(DEFAULT_RECONNECT.capMs);
    }
  });
  it('clamps a misbehaving random source', () => {
    expect(reconnectDelay(0, DEFAULT_RECONNECT, () => 7)).toBe(500);
    expect(reconnectDelay(0, DEFAULT_RECONNECT, () => -1)).toBe(250);
  });
});
