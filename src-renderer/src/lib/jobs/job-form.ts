/**
 * A job's parameter form, from the JSON Schema `GET /api/jobs` gives (`parameterSchema`, type
 * object): one field per property (string, number, integer, boolean, enum), checked in the page
 * like the server checks it (required, pattern, minimum/maximum, minLength/maxLength) so most
 * mistakes show next to their field before anything is sent. Pure.
 */

/** How a field is edited. */
export type FieldControl = 'text' | 'number' | 'checkbox' | 'select';

/** One parameter of a job, ready to render. */
export interface ParameterField {
  name: string;
  type: 'string' | 'number' | 'integer' | 'boolean';
  control: FieldControl;
  /** The label: the schema's `title`, else the name. */
  label: string;
  /** Help under the field: the schema's `description`. */
  help: string | null;
  required: boolean;
  default: unknown;
  /** The choices of an `enum`, in order. */
  choices: readonly unknown[] | null;
  pattern: string | null;
  minimum: number | null;
  maximum: number | null;
  minLength: number | null;
  maxLength: number | null;
}

/** A field's value as its input gives it: text (select: the choice's index), a number input's number or null, a checkbox's boolean. */
export type FieldValue = string | number | boolean | null;

/** The fields of a job's parameter schema; properties of other types (lists, objects) are left out. */
export function parameterFields(schema: Record<string, unknown>): ParameterField[] {
  const properties = isRecord(schema['properties']) ? schema['properties'] : {};
  const required = new Set(Array.isArray(schema['required']) ? schema['required'].filter((name): name is string => typeof name === 'string') : []);
  const fields: ParameterField[] = [];
  for (const [name, raw] of Object.entries(properties)) {
    if (!isRecord(raw)) continue;
    const type = raw['type'];
    if (type !== 'string' && type !== 'number' && type !== 'integer' && type !== 'boolean') continue;
    const choices = Array.isArray(raw['enum']) ? raw['enum'] : null;
    fields.push({
      name,
      type,
      control: choices ? 'select' : type === 'boolean' ? 'checkbox' : type === 'string' ? 'text' : 'number',
      label: typeof raw['title'] === 'string' && raw['title'].trim() !== '' ? raw['title'] : name,
      help: typeof raw['description'] === 'string' && raw['description'].trim() !== '' ? raw['description'] : null,
      required: required.has(name),
      default: raw['default'],
      choices,
      pattern: typeof raw['pattern'] === 'string' ? raw['pattern'] : null,
      minimum: numberOrNull(raw['minimum']),
      maximum: numberOrNull(raw['maximum']),
      minLength: numberOrNull(raw['minLength']),
      maxLength: numberOrNull(raw['maxLength']),
    });
  }
  return fields;
}

/** The values a fresh form starts with: each field's default, else blank (a select: its first choice when required). */
export function initialValues(fields: readonly ParameterField[]): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  for (const field of fields) {
    if (field.control === 'checkbox') values[field.name] = field.default === true;
    else if (field.control === 'select') {
      const index = field.choices!.findIndex((choice) => choice === field.default);
      values[field.name] = index >= 0 ? String(index) : field.required ? '0' : '';
    } else values[field.name] = field.default === undefined || field.default === null ? '' : String(field.default);
  }
  return values;
}

/** The result of {@link validateParameters}: the `parameters` to send, or a message per field. */
export type ParametersResult = { ok: true; parameters: Record<string, unknown> } | { ok: false; errors: Record<string, string> };

/** Checks the values and turns them into typed parameters; blank optional fields are left out (the server fills defaults). */
export function validateParameters(fields: readonly ParameterField[], values: Record<string, FieldValue>): ParametersResult {
  const parameters: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const outcome = readField(field, values[field.name] ?? null);
    if ('error' in outcome) errors[field.name] = outcome.error;
    else if (outcome.value !== undefined) parameters[field.name] = outcome.value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, parameters };
}

function readField(field: ParameterField, raw: FieldValue): { value: unknown } | { error: string } {
  if (field.control === 'checkbox') return { value: raw === true };
  const text = raw === null ? '' : String(raw).trim();
  if (text === '') {
    // A blank field with a default: the server fills it in.
    return field.required && field.default === undefined ? { error: `Enter ${field.label}.` } : { value: undefined };
  }
  if (field.control === 'select') {
    const choice = field.choices![Number(text)];
    return choice === undefined ? { error: `Choose one of the options.` } : { value: choice };
  }
  if (field.type === 'string') return checkString(field, String(raw));
  const n = Number(text);
  const wanted = `Enter a ${field.type === 'integer' ? 'whole number' : 'number'}${range(field)}.`;
  if (!Number.isFinite(n) || (field.type === 'integer' && !Number.isInteger(n))) return { error: wanted };
  if ((field.minimum !== null && n < field.minimum) || (field.maximum !== null && n > field.maximum)) return { error: wanted };
  return { value: n };
}

function checkString(field: ParameterField, value: string): { value: unknown } | { error: string } {
  if (field.minLength !== null && value.length < field.minLength) return { error: `Use at least ${field.minLength} characters.` };
  if (field.maxLength !== null && value.length > field.maxLength) return { error: `Use at most ${field.maxLength} characters (now ${value.length}).` };
  if (field.pattern !== null) {
    let matches = true;
    try {
      matches = new RegExp(field.pattern, 'u').test(value);
    } catch {
      // A pattern this browser cannot compile is left to the server to check.
    }
    if (!matches) return { error: `Must match the pattern ${field.pattern}.` };
  }
  return { value };
}

function range(field: ParameterField): string {
  if (field.minimum !== null && field.maximum !== null) return ` from ${field.minimum} to ${field.maximum}`;
  if (field.minimum !== null) return ` of at least ${field.minimum}`;
  if (field.maximum !== null) return ` of at most ${field.maximum}`;
  return '';
}

/**
 * Which field a server refusal is about (400 `INVALID_PARAMETERS`: "Parameter 'count' must be…",
 * "Unknown parameter 'x'…"), so it shows next to that field; null when it names none of them.
 */
export function fieldOfServerError(message: string, fields: readonly ParameterField[]): string | null {
  const named = /[Pp]arameter '([^']+)'/.exec(message)?.[1];
  return named !== undefined && fields.some((field) => field.name === named) ? named : null;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
