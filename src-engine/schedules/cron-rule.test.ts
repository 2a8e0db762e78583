import { describe, expect, it } from 'vitest';
import { checkCron, nextRuns } from './cron-rule.js';

describe('cron rules (croner, 5 or 6 fields, in a zone)', () => {
  it('combines day-of-month and day-of-week with OR, as Vixie cron does', () => {
    // From Wednesday 2026-04-29: Monday 4 May, then the 1st of June is a Monday too; Friday 1 May is the 1st.
    const runs = nextRuns('0 3 1 * 1', 'UTC', Date.parse('2026-04-29T00:00:00Z'), 3).map((at) => new Date(at).toISOString());
    expect(runs).toEqual(['2026-05-01T03:00:00.000Z', '2026-05-04T03:00:00.000Z', '2026-05-11T03:00:00.000Z']);
  });

  it('takes seconds as a sixth field, first', () => {
    expect(nextRuns('*/2 * * * * *', 'UTC', Date.parse('2026-01-01T00:00:01Z'), 2)).toEqual([Date.parse('2026-01-01T00:00:02Z'), Date.parse('2026-01-01T00:00:04Z')]);
  });

  it('refuses 4 or 7 fields, and says which field is wrong', () => {
    expect(checkCron('* * * *', 'UTC')).toMatchObject({ ok: false, field: 'cron' });
    expect(checkCron('0 0 3 1 1 * 2030', 'UTC')).toMatchObject({ ok: false, field: 'cron' });
    expect(checkCron('0 3 * 13 *', 'UTC')).toMatchObject({ ok: false, field: 'cron', message: expect.stringContaining('month') });
    expect(checkCron('0 3 * * *', '')).toMatchObject({ ok: false, field: 'timezone' });
    expect(checkCron('0 3 * * *', 'Asia/Kolkata')).toEqual({ ok: true });
  });
});
