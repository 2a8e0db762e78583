import { describe, expect, it } from 'vitest';
import { formatSpan } from './time-span.js';

describe('formatSpan', () => {
  it('writes spans to the second while short and coarser when long', () => {
    expect(formatSpan(0)).toBe('0 s');
    expect(formatSpan(11_200)).toBe('12 s');
    expect(formatSpan(252_000)).toBe('4 min 12 s');
    expect(formatSpan(120_000)).toBe('2 min');
    expect(formatSpan(3_780_000)).toBe('1 h 3 min');
    expect(formatSpan(2 * 86_400_000 + 5 * 3_600_000)).toBe('2 d 5 h');
    expect(formatSpan(-5000)).toBe('0 s');
  });
});
