import { describe, expect, it } from 'vitest';
import { choiceHelp, emptyScheduleForm, fieldOfRefusal, MISFIRE_CHOICES, OVERLAP_CHOICES, scheduleFormOf, validateScheduleForm } from './schedule-form.js';
import { schedule } from './test-schedules.js';

describe('validateScheduleForm', () => {
  it('builds the body of a demo schedule from the form', () => {
    const values = { ...emptyScheduleForm('Europe/Berlin'), name: ' Nightly ', cron: ' */2  * * * * * ', duration: 1500, failAtStep: '3', overlap: 'allow' as const };
    expect(validateScheduleForm(values)).toEqual({
      ok: true,
      input: { name: 'Nightly', kind: 'demo', parameters: { duration: 1500, failAtStep: 3 }, cron: '*/2 * * * * *', timezone: 'Europe/Berlin', overlap: 'allow', misfire: 'runOnce', enabled: true },
    });
  });

  it('names every field that is missing or out of range', () => {
    const result = validateScheduleForm({ ...emptyScheduleForm(), name: ' ', cron: '', timezone: '', duration: 50 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['cron', 'duration', 'name', 'timezone']);
    expect(result.errors.duration).toContain('1000 to 30000');
  });

  it('reads a job’s parameters as a JSON object and says what is wrong otherwise', () => {
    const base = { ...emptyScheduleForm(), name: 'Backup', kind: 'backup' };
    const ok = validateScheduleForm({ ...base, parametersJson: '{"path":"/tmp"}' });
    expect(ok.ok && ok.input.parameters).toEqual({ path: '/tmp' });
    const array = validateScheduleForm({ ...base, parametersJson: '[1]' });
    expect(!array.ok && array.errors.parametersJson).toMatch(/JSON object/);
    const broken = validateScheduleForm({ ...base, parametersJson: '{path:' });
    expect(!broken.ok && broken.errors.parametersJson).toMatch(/^Not valid JSON/);
  });
});

describe('scheduleFormOf', () => {
  it('fills the form from a schedule, so saving it unchanged sends the same fields', () => {
    const existing = schedule({ id: 's1', name: 'Report', parameters: { duration: 2500, failAtStep: 4 }, cron: '0 3 * * *', overlap: 'queue', misfire: 'skip', enabled: false });
    const result = validateScheduleForm(scheduleFormOf(existing));
    expect(result).toEqual({
      ok: true,
      input: { name: 'Report', kind: 'demo', parameters: { duration: 2500, failAtStep: 4 }, cron: '0 3 * * *', timezone: 'Europe/Berlin', overlap: 'queue', misfire: 'skip', enabled: false },
    });
  });
});

describe('choices and refusals', () => {
  it('explains each overlap and misfire choice', () => {
    expect(choiceHelp(OVERLAP_CHOICES, 'queue')).toMatch(/waits/);
    expect(choiceHelp(MISFIRE_CHOICES, 'skip')).toMatch(/dropped/);
  });

  it('puts the server’s cron and zone errors at their fields', () => {
    expect(fieldOfRefusal('INVALID_CRON')).toBe('cron');
    expect(fieldOfRefusal('INVALID_TIMEZONE')).toBe('timezone');
    expect(fieldOfRefusal('INVALID_SCHEDULE')).toBeNull();
  });
});
