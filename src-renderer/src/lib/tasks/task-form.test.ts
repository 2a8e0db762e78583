import { describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, validateTaskForm } from './task-form.js';

const valid = { name: 'Report', duration: '5000', failAtStep: '' };

describe('validateTaskForm', () => {
  it('accepts a valid form and trims the name', () => {
    expect(validateTaskForm({ ...valid, name: '  Report ' })).toEqual({ ok: true, request: { name: 'Report', duration: 5000 } });
  });

  it('accepts the duration limits inclusively', () => {
    expect(validateTaskForm({ ...valid, duration: '1000' }).ok).toBe(true);
    expect(validateTaskForm({ ...valid, duration: '30000' }).ok).toBe(true);
  });

  it('requires a name of reasonable length', () => {
    const blank = validateTaskForm({ ...valid, name: '   ' });
    expect(blank).toEqual({ ok: false, errors: { name: 'Enter a task name.' } });
    const long = validateTaskForm({ ...valid, name: 'x'.repeat(MAX_NAME_LENGTH + 1) });
    expect(long.ok ? null : long.errors.name).toMatch(/at most 200/);
  });

  it('explains each kind of bad duration', () => {
    const messages = ['', 'abc', '1500.5', '999', '30001'].map((duration) => {
      const result = validateTaskForm({ ...valid, duration });
      return result.ok ? null : result.errors.duration;
    });
    expect(messages[0]).toMatch(/Enter a duration/);
    expect(messages[1]).toMatch(/whole number/);
    expect(messages[2]).toMatch(/whole number/);
    expect(messages[3]).toMatch(/from 1000 to 30000/);
    expect(messages[4]).toMatch(/from 1000 to 30000/);
  });

  it('takes numbers (and null for an empty number input) as well as text', () => {
    expect(validateTaskForm({ ...valid, duration: 2000 })).toEqual({ ok: true, request: { name: 'Report', duration: 2000 } });
    const empty = validateTaskForm({ ...valid, duration: null });
    expect(empty.ok ? null : empty.errors.duration).toMatch(/Enter a duration/);
    const fraction = validateTaskForm({ ...valid, duration: 1500.5 });
    expect(fraction.ok ? null : fraction.errors.duration).toMatch(/whole number/);
  });

  it('reports every invalid field at once', () => {
    const result = validateTaskForm({ name: '', duration: '5', failAtStep: '' });
    expect(result.ok ? [] : Object.keys(result.errors).sort()).toEqual(['duration', 'name']);
  });

  it('passes a failure step as a parameter', () => {
    expect(validateTaskForm({ ...valid, failAtStep: '3' })).toEqual({
      ok: true,
      request: { name: 'Report', duration: 5000, parameters: { failAtStep: 3 } },
    });
    const bad = validateTaskForm({ ...valid, failAtStep: '11' });
    expect(bad.ok ? null : bad.errors.failAtStep).toMatch(/1 to 10/);
  });
});

describe('validateTaskForm: priority and attempts', () => {
  it('sends a priority other than 0 and an explicit attempt budget', () => {
    expect(validateTaskForm({ ...valid, priority: '5', maxAttempts: 3 })).toEqual({ ok: true, request: { name: 'Report', duration: 5000, priority: 5, maxAttempts: 3 } });
    expect(validateTaskForm({ ...valid, priority: -10, maxAttempts: '10' })).toMatchObject({ ok: true, request: { priority: -10, maxAttempts: 10 } });
  });

  it('leaves blanks and priority 0 to the server defaults', () => {
    expect(validateTaskForm({ ...valid, priority: '0', maxAttempts: '' })).toEqual({ ok: true, request: { name: 'Report', duration: 5000 } });
    expect(validateTaskForm({ ...valid, priority: null, maxAttempts: null })).toEqual({ ok: true, request: { name: 'Report', duration: 5000 } });
  });

  it('explains values out of range or not whole', () => {
    for (const priority of ['11', '-11', '1.5', 'x']) {
      const result = validateTaskForm({ ...valid, priority });
      expect(result.ok ? null : result.errors.priority, priority).toBe('Enter a whole number from -10 to 10.');
    }
    for (const maxAttempts of ['0', '11', '2.5']) {
      const result = validateTaskForm({ ...valid, maxAttempts });
      expect(result.ok ? null : result.errors.maxAttempts, maxAttempts).toBe('Enter a whole number from 1 to 10.');
    }
  });

  it('for a job, names the job and ignores the demo-only duration and failure', () => {
    expect(validateTaskForm({ ...valid, duration: 'abc', failAtStep: '99', priority: '2' }, 'backup')).toEqual({
      ok: true,
      request: { name: 'Report', job: 'backup', priority: 2 },
    });
    expect(validateTaskForm({ ...valid, name: '', maxAttempts: '11' }, 'backup')).toEqual({
      ok: false,
      errors: { name: 'Enter a task name.', maxAttempts: 'Enter a whole number from 1 to 10.' },
    });
  });
});
