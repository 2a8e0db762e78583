import { describe, expect, it } from 'vitest';
import { BoundedLabels, OTHER_LABEL } from './bounded-labels.js';

describe('BoundedLabels', () => {
  it('keeps the first values as they are and lumps every later one into "other"', () => {
    const labels = new BoundedLabels(2);
    expect(labels.of('a')).toBe('a');
    expect(labels.of('b')).toBe('b');
    expect(labels.of('c')).toBe(OTHER_LABEL);
    expect(labels.of('a')).toBe('a');
    expect(labels.of('d')).toBe(OTHER_LABEL);
  });
});
