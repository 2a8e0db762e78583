import { describe, expect, it } from 'vitest';
import { shortId } from './copy-text.js';

describe('shortId', () => {
  it('keeps the random tail of a UUIDv7, which differs between tasks made in the same millisecond', () => {
    const a = '019adf3c-1a2b-7001-8aaa-0123456789ab';
    const b = '019adf3c-1a2b-7002-9bbb-fedcba987654';
    expect(shortId(a)).toBe('…456789ab');
    expect(shortId(a)).not.toBe(shortId(b));
  });

  it('leaves short ids whole', () => {
    expect(shortId('abc')).toBe('abc');
  });
});
