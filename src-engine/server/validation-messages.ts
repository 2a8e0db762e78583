import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { DEMO_DURATION } from '../protocol/messages.js';

/**
 * Turns JSON-schema validation errors into one sentence a person can act on, instead of ajv's
 * "body/duration must be <= 30000".
 */
export function describeValidationErrors(errors: readonly FastifySchemaValidationError[], context: string): string {
  const first = errors[0];
  if (!first) return 'The request is not valid';
  const field = fieldName(first);
  if (context === 'body' && field === '') return 'Request body must be a JSON object';
  if (field === 'name') return first.keyword === 'maxLength' ? `Task name must be at most ${first.params['limit']} characters` : 'Task name is required';
  if (field === 'duration') {
    return first.keyword === 'type'
      ? `Duration must be a whole number of milliseconds between ${DEMO_DURATION.min} and ${DEMO_DURATION.max}`
      : `Duration must be between ${DEMO_DURATION.min} and ${DEMO_DURATION.max} ms`;
  }
  if (first.keyword === 'enum') return `${field} must be one of: ${(first.params['allowedValues'] as unknown[]).join(', ')}`;
  if (first.keyword === 'pattern') return `${field} must be a whole number`;
  if (first.keyword === 'maxLength') return `${field} must be at most ${first.params['limit']} characters`;
  if (first.keyword === 'type') return `${field} must be of type ${first.params['type']}`;
  return `${field || context} ${first.message ?? 'is not valid'}`;
}

/** `name` from instancePath `/name`, or the missing property of a `required` error. */
function fieldName(error: FastifySchemaValidationError): string {
  if (error.keyword === 'required') return String(error.params['missingProperty'] ?? '');
  return error.instancePath.replace(/^\//, '').replace(/\//g, '.');
}
