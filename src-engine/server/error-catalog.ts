import type { FastifyReply } from 'fastify';
import type { ControlRefusal, SubmitRefusal } from '../engine/engine-results.js';
import type { ScheduleRefusal } from '../schedules/scheduler.js';

/**
 * The one place where error codes meet HTTP statuses. Every error body has the same shape,
 * `{ code, message, status: "Error", timestamp }`, which is the original's error shape plus a
 * stable machine-readable code (the start endpoint adds the original's `taskId: ""`).
 */
export const ERROR_CATALOG = {
  VALIDATION_FAILED: 400,
  TASK_NAME_REQUIRED: 400,
  INVALID_PARAMETERS: 400,
  UNKNOWN_KIND: 400,
  UNKNOWN_JOB: 400,
  SESSION_REQUIRED: 400,
  NOT_FOUND: 404,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_STATE: 409,
  QUEUE_FULL: 503,
  SHUTTING_DOWN: 503,
  STORAGE_FAILED: 503,
  INTERNAL: 500,
  // Access and limits (src-engine/server/access/, docs/security.md).
  INVALID_CHARACTERS: 400,
  AUTH_REQUIRED: 401,
  INVALID_TOKEN: 401,
  INVALID_PAIRING_CODE: 401,
  HOST_NOT_ALLOWED: 403,
  ORIGIN_NOT_ALLOWED: 403,
  OWNER_ONLY: 403,
  TOO_MANY_ATTEMPTS: 429,
  SESSION_QUEUE_FULL: 429,
  TOO_MANY_CONNECTIONS: 503,
  // Schedules and queue control (src-engine/schedules/, src-engine/queue/, docs/schedules.md).
  INVALID_CRON: 400,
  INVALID_TIMEZONE: 400,
  INVALID_SCHEDULE: 400,
  SCHEDULE_READ_ONLY: 409,
  RUN_REFUSED: 503,
} as const;

/** A stable error code of the catalog. */
export type ErrorCode = keyof typeof ERROR_CATALOG;

/** Body of every error response. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  status: 'Error';
  timestamp: string;
  taskId?: string;
}

/** Seconds a client should wait before retrying when the queue is full. */
export const QUEUE_FULL_RETRY_AFTER_SECONDS = 1;

/** Builds an error body; `extra` carries additive fields such as the start endpoint's `taskId`. */
export function errorBody(code: ErrorCode, message: string, extra: Partial<ErrorBody> = {}): ErrorBody {
  return { ...extra, code, message, status: 'Error', timestamp: new Date().toISOString() };
}

/** Sends an error with the catalog's status for its code. */
export function sendError(reply: FastifyReply, code: ErrorCode, message: string, extra: Partial<ErrorBody> = {}): FastifyReply {
  if (ERROR_CATALOG[code] === 503) reply.header('Retry-After', String(QUEUE_FULL_RETRY_AFTER_SECONDS));
  return reply.code(ERROR_CATALOG[code]).send(errorBody(code, message, extra));
}

/** Maps the engine's refusal values to catalog codes. */
export const SUBMIT_REFUSAL_CODES: Record<SubmitRefusal, ErrorCode> = {
  'queue-full': 'QUEUE_FULL',
  stopped: 'SHUTTING_DOWN',
  'unknown-kind': 'UNKNOWN_KIND',
  'invalid-parameters': 'INVALID_PARAMETERS',
  'storage-failed': 'STORAGE_FAILED',
};

/** Maps the engine's control refusals to catalog codes. */
export const CONTROL_REFUSAL_CODES: Record<ControlRefusal, ErrorCode> = {
  'not-found': 'NOT_FOUND',
  'invalid-state': 'INVALID_STATE',
  'queue-full': 'QUEUE_FULL',
};

/** Maps the scheduler's refusals to catalog codes. */
export const SCHEDULE_REFUSAL_CODES: Record<ScheduleRefusal, ErrorCode> = {
  'not-found': 'NOT_FOUND',
  'invalid-cron': 'INVALID_CRON',
  'invalid-timezone': 'INVALID_TIMEZONE',
  'invalid-schedule': 'INVALID_SCHEDULE',
  'read-only': 'SCHEDULE_READ_ONLY',
  'submit-refused': 'RUN_REFUSED',
};
