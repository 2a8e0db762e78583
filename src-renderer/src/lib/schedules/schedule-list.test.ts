import { describe, expect, it } from 'vitest';
import { removeSchedule, upsertSchedule } from './schedule-list.js';
import { schedule } from './test-schedules.js';

describe('schedule list', () => {
  const a = schedule({ id: 'a', createdAt: '2026-12-01T00:00:00.000Z' });
  const b = schedule({ id: 'b', createdAt: '2026-12-01T00:00:05.000Z' });

  it('adds in creation order and replaces by id', () => {
    const list = upsertSchedule(upsertSchedule([], b), a);
    expect(list.map((item) => item.id)).toEqual(['a', 'b']);
    const renamed = upsertSchedule(list, { ...a, name: 'Renamed', updatedAt: '2026-12-01T01:00:00.000Z' });
    expect(renamed.map((item) => item.name)).toEqual(['Renamed', b.name]);
  });

  it('ignores a copy older than the one held (an answer that crossed a newer frame)', () => {
    const newer = { ...a, enabled: false, updatedAt: '2026-12-01T02:00:00.000Z' };
    const list = upsertSchedule([newer], { ...a, enabled: true, updatedAt: '2026-12-01T01:00:00.000Z' });
    expect(list[0]!.enabled).toBe(false);
  });

  it('removes by id', () => {
    expect(removeSchedule([a, b], 'a').map((item) => item.id)).toEqual(['b']);
  });
});
