import { describe, expect, it } from 'vitest';
import { MAX_DELAY_MS, resolveStartTime } from './start-time.js';

const NOW = Date.parse('2026-12-02T00:00:00Z');

describe('resolveStartTime', () => {
  it('reads runAt with a zone, and delayMs, into epoch ms', () => {
    expect(resolveStartTime({ runAt: '2026-12-02T01:00:00+01:00' }, NOW)).toEqual({ ok: true, runAt: undefined });
    expect(resolveStartTime({ runAt: '2026-12-02T00:00:05.250Z' }, NOW)).toEqual({ ok: true, runAt: NOW + 5250 });
    expect(resolveStartTime({ delayMs: 60_000 }, NOW)).toEqual({ ok: true, runAt: NOW + 60_000 });
    expect(resolveStartTime({ delayMs: 0 }, NOW)).toEqual({ ok: true, runAt: undefined });
    expect(resolveStartTime({}, NOW)).toEqual({ ok: true, runAt: undefined });
  });

  it('refuses both at once, times without a zone, impossible dates and times out of range, saying which', () => {
    const message = (input: object) => {
      const result = resolveStartTime(input, NOW);
      return result.ok ? 'accepted' : result.message;
    };
    expect(message({ runAt: '2026-12-02T01:00:00Z', delayMs: 5 })).toContain('not both');
    expect(message({ runAt: '2026-12-02T01:00:00' })).toContain('with a zone');
    expect(message({ runAt: 'tomorrow' })).toContain('ISO 8601');
    expect(message({ runAt: '2026-02-30T01:00:00Z' })).toContain('not a real date');
    expect(message({ runAt: '2028-01-01T00:00:00Z' })).toContain('at most a year');
    expect(message({ runAt: '2026-11-01T00:00:00Z' })).toContain('in the past');
    expect(message({ delayMs: -1 })).toContain('delayMs');
    expect(message({ delayMs: 1.5 })).toContain('delayMs');
    expect(message({ delayMs: MAX_DELAY_MS + 1 })).toContain('a year');
  });
});
