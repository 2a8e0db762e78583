import { describe, expect, it } from 'vitest';
import { describeCron, formatRunTime, needsSeconds } from './cron-text.js';

describe('describeCron', () => {
  it('says a fixed time of day runs every day', () => {
    expect(describeCron('0 3 * * *')).toBe('At 03:00, every day');
    expect(describeCron('0 30 2 * * *')).toBe('At 02:30, every day');
  });

  it('describes intervals, weekdays and seconds without adding "every day"', () => {
    expect(describeCron('*/2 * * * * *')).toBe('Every 2 seconds');
    expect(describeCron('30 2 * * 1-5')).toBe('At 02:30, Monday through Friday');
    expect(describeCron('*/15 * * * *')).toBe('Every 15 minutes');
  });

  it('gives null for what it cannot read, so the server preview explains', () => {
    expect(describeCron('')).toBeNull();
    expect(describeCron('every night')).toBeNull();
    expect(describeCron('0 25 * * *')).toBeNull();
  });
});

describe('formatRunTime', () => {
  it('writes an instant in the schedule zone, across a DST change', () => {
    expect(formatRunTime('2026-12-02T02:00:00.000Z', 'Europe/Berlin')).toBe('Wed, 2 Dec 2026, 03:00');
    expect(formatRunTime('2026-07-02T01:00:00.000Z', 'Europe/Berlin')).toBe('Thu, 2 Jul 2026, 03:00');
  });

  it('shows seconds when asked and falls back to UTC for a zone it does not know', () => {
    expect(formatRunTime('2026-12-02T02:00:04.000Z', 'UTC', true)).toBe('Wed, 2 Dec 2026, 02:00:04');
    expect(formatRunTime('2026-12-02T02:00:00.000Z', 'Mars/Olympus')).toBe('Wed, 2 Dec 2026, 02:00');
  });

  it('needs seconds only when some time is not on a whole minute', () => {
    expect(needsSeconds(['2026-12-02T02:00:00.000Z', '2026-12-02T02:01:00.000Z'])).toBe(false);
    expect(needsSeconds(['2026-12-02T02:00:00.000Z', '2026-12-02T02:00:02.000Z'])).toBe(true);
  });
});
