import { describe, expect, it } from 'vitest';
import { cookieAssignment, isValidSessionId, readCookie } from './session-id.js';

describe('isValidSessionId', () => {
  it('accepts UUIDs and simple ids', () => {
    expect(isValidSessionId('3f2b8a0e-6a1c-4d0e-9a51-0c7f3e2d1b4a')).toBe(true);
    expect(isValidSessionId('client_1')).toBe(true);
  });
  it('refuses empty, too long, or odd values', () => {
    expect(isValidSessionId('')).toBe(false);
    expect(isValidSessionId('a'.repeat(129))).toBe(false);
    expect(isValidSessionId('a b')).toBe(false);
    expect(isValidSessionId('<script>')).toBe(false);
    expect(isValidSessionId(42)).toBe(false);
  });
});

describe('readCookie', () => {
  it('finds a cookie among others', () => {
    expect(readCookie('a=1; sessionId=abc-1; b=2', 'sessionId')).toBe('abc-1');
  });
  it('decodes values and returns null when absent', () => {
    expect(readCookie('x=%20y', 'x')).toBe(' y');
    expect(readCookie('', 'sessionId')).toBeNull();
    expect(readCookie('sessionIdX=1', 'sessionId')).toBeNull();
  });
});

describe('cookieAssignment', () => {
  it('is site-wide, Lax and long-lived', () => {
    const text = cookieAssignment('sessionId', 'abc', { secure: false });
    expect(text).toContain('sessionId=abc');
    expect(text).toContain('Path=/');
    expect(text).toContain('SameSite=Lax');
    expect(text).toMatch(/Max-Age=\d{8}/);
    expect(text).not.toContain('Secure');
    expect(cookieAssignment('a', 'b', { secure: true })).toContain('; Secure');
  });
});
