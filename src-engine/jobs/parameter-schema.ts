import { Ajv, type ErrorObject } from 'ajv';
import { TaskParameterError } from '../engine/task-kind.js';
import type { JobParameter } from './job-definition.js';

/** One Ajv for every job: types are checked, never coerced ("5" is not 5); defaults are filled in. */
const ajv = new Ajv({ allErrors: false, useDefaults: true, coerceTypes: false, strict: false });

/** The JSON Schema (type object) of a job's parameters: what `GET /api/jobs` shows and submit checks. */
export function parameterJsonSchema(parameters: Readonly<Record<string, JobParameter>>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, { required: isRequired, ...rest }] of Object.entries(parameters)) {
    properties[name] = rest;
    if (isRequired) required.push(name);
  }
  return { type: 'object', additionalProperties: false, properties, required };
}

/** Checks a schema compiles; answers why not (a bad pattern, say). */
export function schemaProblem(schema: Record<string, unknown>): string | undefined {
  try {
    ajv.compile(schema);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Makes the submit-time check of a parameter schema: answers the parameters with defaults filled
 * in, or throws {@link TaskParameterError} with a message naming the parameter.
 */
export function compileParameterCheck(schema: Record<string, unknown>): (input: Record<string, unknown>) => Record<string, unknown> {
  const validate = ajv.compile(schema);
  const known = Object.keys((schema['properties'] as Record<string, unknown> | undefined) ?? {});
  return (input) => {
    const copy = structuredClone(input);
    if (validate(copy)) return copy;
    throw new TaskParameterError(describe(validate.errors?.[0], known));
  };
}

function describe(error: ErrorObject | undefined, known: readonly string[]): string {
  if (!error) return 'The parameters are not valid';
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const name = path === '' ? '' : `Parameter '${path}'`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = `${path === '' ? '' : `${path}.`}${String(params['additionalProperty'])}`;
      return `Unknown parameter '${extra}'${known.length > 0 ? ` (this job takes: ${known.join(', ')})` : ' (this job takes none)'}`;
    }
    case 'required':
      return `Parameter '${path === '' ? '' : `${path}.`}${String(params['missingProperty'])}' is required`;
    case 'type':
      return path === '' ? 'parameters must be a JSON object' : `${name} must be ${article(String(params['type']))}`;
    case 'enum':
      return `${name} must be one of: ${(params['allowedValues'] as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
    case 'pattern':
      return `${name} must match the pattern ${String(params['pattern'])}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minLength':
    case 'maxLength':
      return `${name} ${error.message ?? 'is out of range'}`;
    default:
      return `${name || 'parameters'} ${error.message ?? 'is not valid'}`;
  }
}

function article(type: string): string {
  if (type === 'integer') return 'a whole number';
  if (type === 'boolean') return 'true or false';
  if (type === 'object') return 'an object';
  if (type === 'array') return 'a list';
  return `a ${type}`;
}
