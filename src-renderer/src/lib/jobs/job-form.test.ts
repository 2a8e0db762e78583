import { describe, expect, it } from 'vitest';
import { fieldOfServerError, initialValues, parameterFields, validateParameters } from './job-form.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['folder', 'mode'],
  properties: {
    folder: { type: 'string', title: 'Folder', description: 'An absolute path', pattern: '^/', default: '/tmp' },
    count: { type: 'integer', title: 'Count', minimum: 1, maximum: 10 },
    ratio: { type: 'number', maximum: 1 },
    verbose: { type: 'boolean', title: 'Verbose', default: true },
    mode: { type: 'string', enum: ['fast', 'slow'] },
    label: { type: 'string', minLength: 2, maxLength: 5 },
    files: { type: 'array', items: { type: 'string' } },
  },
};
const fields = parameterFields(schema);
const field = (name: string) => fields.find((f) => f.name === name)!;

describe('parameterFields', () => {
  it('makes a field per supported property with its label, help and rules', () => {
    expect(fields.map((f) => [f.name, f.control])).toEqual([
      ['folder', 'text'],
      ['count', 'number'],
      ['ratio', 'number'],
      ['verbose', 'checkbox'],
      ['mode', 'select'],
      ['label', 'text'],
    ]);
    expect(field('folder')).toMatchObject({ label: 'Folder', help: 'An absolute path', required: true, pattern: '^/' });
    expect(field('count')).toMatchObject({ label: 'Count', minimum: 1, maximum: 10, required: false });
    expect(field('ratio').label).toBe('ratio');
  });

  it('reads a schema without properties as no fields', () => {
    expect(parameterFields({ type: 'object' })).toEqual([]);
  });
});

describe('initialValues', () => {
  it('starts from the defaults; a required select on its first choice', () => {
    expect(initialValues(fields)).toEqual({ folder: '/tmp', count: '', ratio: '', verbose: true, mode: '0', label: '' });
  });
});

describe('validateParameters', () => {
  const valid = { folder: '/home', count: 3, ratio: '0.5', verbose: false, mode: '1', label: '' };

  it('gives typed parameters, leaving blank optional fields out', () => {
    expect(validateParameters(fields, valid)).toEqual({ ok: true, parameters: { folder: '/home', count: 3, ratio: 0.5, verbose: false, mode: 'slow' } });
  });

  it('names each wrong field with a message', () => {
    const result = validateParameters(fields, { ...valid, folder: 'relative', count: 2.5, ratio: 3, label: 'x' });
    expect(result).toEqual({
      ok: false,
      errors: {
        folder: 'Must match the pattern ^/.',
        count: 'Enter a whole number from 1 to 10.',
        ratio: 'Enter a number of at most 1.',
        label: 'Use at least 2 characters.',
      },
    });
  });

  it('refuses out-of-range numbers, text in a number field and too long text', () => {
    const result = validateParameters(fields, { ...valid, count: 11, ratio: 'abc', label: 'abcdefg' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors['count']).toBe('Enter a whole number from 1 to 10.');
    expect(result.errors['ratio']).toBe('Enter a number of at most 1.');
    expect(result.errors['label']).toBe('Use at most 5 characters (now 7).');
  });

  it('asks for a required field without a default; a blank one with a default is left to the server', () => {
    const required = parameterFields({ type: 'object', required: ['text', 'n'], properties: { text: { type: 'string', title: 'Text' }, n: { type: 'integer', default: 2 } } });
    expect(validateParameters(required, { text: ' ', n: '' })).toEqual({ ok: false, errors: { text: 'Enter Text.' } });
    expect(validateParameters(required, { text: 'hi', n: null })).toEqual({ ok: true, parameters: { text: 'hi' } });
  });
});

describe('fieldOfServerError', () => {
  it('finds the field a server refusal names', () => {
    expect(fieldOfServerError("Parameter 'count' must be <= 10", fields)).toBe('count');
    expect(fieldOfServerError("Unknown parameter 'label' (this job takes: …)", fields)).toBe('label');
    expect(fieldOfServerError("Parameter 'other' is required", fields)).toBeNull();
    expect(fieldOfServerError('Queue is full', fields)).toBeNull();
  });
});
