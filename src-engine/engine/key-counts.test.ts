import { describe, expect, it } from 'vitest';
import { KeyCounts } from './key-counts.js';

describe('KeyCounts', () => {
  it('counts per key, and a key never counted reads 0', () => {
    const counts = new KeyCounts();
    expect(counts.add('a', 1)).toBe(1);
    expect(counts.add('a', 2)).toBe(3);
    expect(counts.add('b', 1)).toBe(1);
    expect(counts.get('a')).toBe(3);
    expect(counts.get('b')).toBe(1);
    expect(counts.get('never')).toBe(0);
    expect(counts.size).toBe(2);
  });

  it('never goes below 0, and taking from a key it never counted adds no entry', () => {
    const counts = new KeyCounts();
    counts.add('a', 1);
    expect(counts.add('a', -5)).toBe(0);
    expect(counts.add('a', 1)).toBe(1);
    expect(counts.add('ghost', -1)).toBe(0);
    expect(counts.entries).toBe(1);
  });

  it('a key back to 0 no longer counts in size, and counting it again reuses its entry', () => {
    const counts = new KeyCounts();
    counts.add('a', 1);
    counts.add('a', -1);
    expect(counts.size).toBe(0);
    expect(counts.entries).toBe(1);
    counts.add('a', 1);
    expect(counts.size).toBe(1);
    expect(counts.entries).toBe(1);
  });

  it('stays bounded by the keys counted recently: keys back at 0 are swept once they pile up', () => {
    const counts = new KeyCounts();
    counts.add('live', 1);
    for (let i = 0; i < 10_000; i++) {
      counts.add(`session-${i}`, 1);
      counts.add(`session-${i}`, -1);
      expect(counts.entries).toBeLessThanOrEqual(257);
    }
    expect(counts.get('live')).toBe(1);
    expect(counts.size).toBe(1);
  });
});
