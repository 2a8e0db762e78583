import type { FastifyInstance } from 'fastify';
import { ERROR_CATALOG } from '../error-catalog.js';

/**
 * JSON schemas shared by routes, registered once per app with {@link addSharedSchemas} and
 * referenced as `{ $ref: 'TaskDto#' }` (see {@link ref}). They do two jobs: fastify serialises
 * answers through them (fast-json-stringify: faster than JSON.stringify, and it drops any field a
 * schema does not declare, so a new field of an answer must be declared here too), and
 * @fastify/swagger turns them into the OpenAPI document at `/openapi.json`.
 */

const TASK_STATES = ['scheduled', 'queued', 'running', 'completed', 'failed', 'cancelled'] as const;
const isoTime = { type: 'string', format: 'date-time' } as const;
const nullableIso = { type: ['string', 'null'], format: 'date-time' } as const;

/** A task on the wire (src-engine/protocol/messages.ts `TaskDto`). */
export const TASK_DTO_SCHEMA = {
  $id: 'TaskDto',
  type: 'object',
  description: 'A task. The first ten fields are the original service\'s; the rest are additions.',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string', description: 'Queued, Running, Processing step i/10, Completed, Failed, Cancelled' },
    progress: { type: 'number', minimum: 0, maximum: 100 },
    result: { type: ['string', 'null'] },
    error: { type: ['string', 'null'] },
    createdAt: isoTime,
    startedAt: nullableIso,
    completedAt: nullableIso,
    clientId: { type: 'string', description: 'The session that owns the task' },
    state: { type: 'string', enum: TASK_STATES },
    kind: { type: 'string' },
    parameters: { type: 'object', additionalProperties: true },
    duration: { type: ['number', 'null'], description: 'Requested duration in ms, for kinds that have one' },
    attempt: { type: 'integer' },
    maxAttempts: { type: 'integer' },
    priority: { type: 'integer' },
    retryAt: nullableIso,
    runAt: { ...nullableIso, description: 'When a scheduled (delayed) task is queued' },
    job: { type: ['string', 'null'], description: "The owner's job (jobs file) the task runs; null for demo and code kinds" },
    scheduleId: { type: ['string', 'null'], description: 'The recurring schedule this task is a run of' },
    waitReason: { type: ['string', 'null'], description: 'Why a queued task waits although it is its turn: paused, job limit N reached, rate limit: next slot in N s' },
  },
  required: ['id', 'name', 'status', 'progress', 'result', 'error', 'createdAt', 'startedAt', 'completedAt', 'clientId', 'state', 'kind', 'parameters', 'duration', 'attempt', 'maxAttempts', 'priority', 'retryAt', 'runAt', 'job', 'scheduleId', 'waitReason'],
} as const;

/** Tasks per state. */
export const TASK_COUNTS_SCHEMA = {
  $id: 'TaskCounts',
  type: 'object',
  properties: Object.fromEntries(TASK_STATES.map((state) => [state, { type: 'integer' }])),
  required: [...TASK_STATES],
} as const;

/** Every error answer (src-engine/server/error-catalog.ts). */
export const ERROR_BODY_SCHEMA = {
  $id: 'ErrorBody',
  type: 'object',
  description: 'The original\'s error shape plus a stable code',
  properties: {
    code: { type: 'string', enum: Object.keys(ERROR_CATALOG) },
    message: { type: 'string' },
    status: { type: 'string', enum: ['Error'] },
    timestamp: isoTime,
    taskId: { type: 'string', description: 'Only on POST /api/task/start, always ""' },
  },
  required: ['code', 'message', 'status', 'timestamp'],
} as const;

/** A recurring schedule on the wire (src-engine/protocol/schedules.ts `ScheduleDto`). */
export const SCHEDULE_DTO_SCHEMA = {
  $id: 'ScheduleDto',
  type: 'object',
  description: 'A recurring schedule (owner only). Times are ISO 8601 UTC.',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string', description: 'The task kind (or job) each run is' },
    parameters: { type: 'object', additionalProperties: true },
    cron: { type: 'string', description: '5 fields (minute precision) or 6 (the first is seconds)' },
    timezone: { type: 'string', description: 'IANA time zone the expression is read in' },
    enabled: { type: 'boolean' },
    overlap: { type: 'string', enum: ['skip', 'queue', 'allow'] },
    misfire: { type: 'string', enum: ['runOnce', 'skip'] },
    source: { type: 'string', enum: ['api', 'file'], description: 'api: editable and deletable; file: declared in the jobs file (only enable/disable)' },
    clientId: { type: 'string', description: 'The session whose task list the runs land in' },
    createdAt: isoTime,
    updatedAt: isoTime,
    lastRunAt: nullableIso,
    lastTaskId: { type: ['string', 'null'] },
    lastRun: {
      type: ['object', 'null'],
      description: "The last run's task as the engine knows it now; null when none or forgotten",
      properties: { taskId: { type: 'string' }, state: { type: 'string', enum: TASK_STATES }, status: { type: 'string' } },
      required: ['taskId', 'state', 'status'],
    },
    lastError: { type: ['string', 'null'], description: 'Why the last attempt to start a run failed, else null' },
    nextRunAt: { ...nullableIso, description: 'Null when disabled (or the expression never fires again)' },
    nextRuns: { type: 'array', items: isoTime, description: 'The next three run times (the first is nextRunAt)' },
    runPending: { type: 'boolean', description: 'With overlap queue: a run waits for the previous one to end' },
  },
  required: ['id', 'name', 'kind', 'parameters', 'cron', 'timezone', 'enabled', 'overlap', 'misfire', 'source', 'clientId', 'createdAt', 'updatedAt', 'lastRunAt', 'lastTaskId', 'lastRun', 'lastError', 'nextRunAt', 'nextRuns', 'runPending'],
} as const;

/** One line of a task's log (src-engine/protocol/messages.ts `TaskLogLine`). */
export const TASK_LOG_LINE_SCHEMA = {
  $id: 'TaskLogLine',
  type: 'object',
  description: "One line of a task's log; seq counts the task's lines from 1, across its runs",
  properties: {
    seq: { type: 'integer', minimum: 1 },
    time: isoTime,
    stream: { type: 'string', enum: ['stdout', 'stderr', 'log'] },
    level: { type: 'string', enum: ['debug', 'info', 'warn', 'error'], description: 'Only on lines written with log()' },
    text: { type: 'string' },
  },
  required: ['seq', 'time', 'stream', 'text'],
} as const;

/** Every shared schema, in registration order. */
export const SHARED_SCHEMAS = [TASK_DTO_SCHEMA, TASK_COUNTS_SCHEMA, ERROR_BODY_SCHEMA, SCHEDULE_DTO_SCHEMA, TASK_LOG_LINE_SCHEMA] as const;

/** Registers the shared schemas on an app (before any route refers to them). */
export function addSharedSchemas(app: FastifyInstance): void {
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
}

/** A reference to a shared schema, by its `$id`. */
export function ref(id: (typeof SHARED_SCHEMAS)[number]['$id']): { $ref: string } {
  return { $ref: `${id}#` };
}

/** Error answers of any 4xx/5xx status: spread into a route's `response`. */
export const ERROR_RESPONSES = { '4xx': ref('ErrorBody'), '5xx': ref('ErrorBody') } as const;

/** A JSON object answer with the given properties, all required. */
export function objectOf(properties: Record<string, unknown>, description?: string): Record<string, unknown> {
  return { type: 'object', ...(description ? { description } : {}), properties, required: Object.keys(properties) };
}
