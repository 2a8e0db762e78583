import { describe, expect, it } from 'vitest';
import { MAX_DELAY_MS, readRunLater } from './run-later.js';

describe('readRunLater', () => {
  const now = Date.parse('2026-12-02T10:00:00.000Z');

  it('adds nothing to run now', () => {
    expect(readRunLater({ mode: 'now', minutes: 'x', at: '' }, now)).toEqual({ ok: true, fields: {} });
  });

  it('turns minutes into delayMs', () => {
    expect(readRunLater({ mode: 'delay', minutes: '10', at: '' }, now)).toEqual({ ok: true, fields: { delayMs: 600_000 } });
    expect(readRunLater({ mode: 'delay', minutes: 0.5, at: '' }, now)).toEqual({ ok: true, fields: { delayMs: 30_000 } });
  });

  it('refuses a delay that is empty, not positive or longer than a year', () => {
    expect(readRunLater({ mode: 'delay', minutes: '', at: '' }, now).ok).toBe(false);
    expect(readRunLater({ mode: 'delay', minutes: -1, at: '' }, now).ok).toBe(false);
    expect(readRunLater({ mode: 'delay', minutes: MAX_DELAY_MS / 60_000 + 1, at: '' }, now)).toMatchObject({ ok: false, message: expect.stringMatching(/a year/) });
  });

  it('turns a local date and time into runAt, only in the future and within a year', () => {
    const at = new Date(now + 3_600_000);
    const local = `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}T${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
    expect(readRunLater({ mode: 'at', minutes: null, at: local }, now)).toEqual({ ok: true, fields: { runAt: at.toISOString() } });
    expect(readRunLater({ mode: 'at', minutes: null, at: '' }, now)).toMatchObject({ ok: false, message: 'Choose a date and time.' });
    expect(readRunLater({ mode: 'at', minutes: null, at: local }, now + 7_200_000)).toMatchObject({ ok: false, message: 'Choose a time in the future.' });
  });
});
