import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ControlResult } from '../../engine/engine-results.js';
import { MAX_ATTEMPTS_LIMIT } from '../../engine/retry-policy.js';
import type { TaskSubmission } from '../../engine/task-record.js';
import type { TaskService } from '../../engine/task-service.js';
import type { StartTaskRequest, StartTaskResponse, TaskState } from '../../protocol/messages.js';
import { DEMO_DURATION } from '../../protocol/messages.js';
import { MAX_CLIENT_ID_LENGTH, ownerFromRequest, sessionFromRequest } from '../client-id.js';
import { CONTROL_REFUSAL_CODES, SUBMIT_REFUSAL_CODES, sendError } from '../error-catalog.js';
import { toTaskDto } from '../task-dto.js';
import { isOwner } from '../access/request-principal.js';
import { parseTaskFilter, scopeFilterProperties } from './task-filter-query.js';
import { MAX_DELAY_MS, resolveStartTime } from '../../schedules/start-time.js';
import { startTarget } from './job-routes.js';
import { ERROR_RESPONSES, objectOf, ref } from '../schemas/shared-schemas.js';

/** Longest task name accepted. */
export const MAX_NAME_LENGTH = 200;

/** Most tasks one list request returns. */
export const MAX_PAGE_SIZE = 1000;

const TASK_STATES: TaskState[] = ['scheduled', 'queued', 'running', 'completed', 'failed', 'cancelled'];
const FINAL_STATES: TaskState[] = ['completed', 'failed', 'cancelled'];

const startBodySchema = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: MAX_NAME_LENGTH },
    // Whole milliseconds, as the original's contract (an int): 1500.5 is refused, not rounded.
    duration: { type: 'integer', minimum: DEMO_DURATION.min, maximum: DEMO_DURATION.max },
    clientId: { type: 'string', maxLength: MAX_CLIENT_ID_LENGTH },
    parameters: { type: 'object' },
    kind: { type: 'string', maxLength: 64 },
    priority: { type: 'integer', minimum: -10, maximum: 10 },
    maxAttempts: { type: 'integer', minimum: 1, maximum: MAX_ATTEMPTS_LIMIT },
    runAt: { type: 'string', maxLength: 40 },
    delayMs: { type: 'integer', minimum: 0, maximum: MAX_DELAY_MS },
    job: { type: 'string', maxLength: 64 },
  },
} as const;

const sessionQuery = { clientId: { type: 'string', maxLength: MAX_CLIENT_ID_LENGTH } } as const;

const listQuerySchema = {
  type: 'object',
  properties: {
    ...sessionQuery,
    state: { type: 'string', enum: TASK_STATES },
    q: { type: 'string', maxLength: MAX_NAME_LENGTH },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
    offset: { type: 'string', pattern: '^[0-9]{1,9}$' },
    all: { type: 'string', enum: ['1', 'true'] },
    ...scopeFilterProperties,
  },
} as const;

const clearQuerySchema = {
  type: 'object',
  properties: { ...sessionQuery, state: { type: 'string', enum: FINAL_STATES } },
} as const;

const taskAnswer = { 200: ref('TaskDto'), ...ERROR_RESPONSES } as const;

const startResponses = {
  200: objectOf(
    {
      taskId: { type: 'string' },
      message: { type: 'string' },
      status: { type: 'string', enum: ['Queued'] },
      timestamp: { type: 'string', format: 'date-time' },
      clientId: { type: 'string', description: 'Addition: the session that owns the task' },
      state: { type: 'string', enum: TASK_STATES, description: 'Addition: queued, or scheduled for a delayed task (status stays Queued)' },
      runAt: { type: ['string', 'null'], format: 'date-time', description: 'Addition: when a scheduled (delayed) task is queued, else null' },
    },
    'The task was queued (or scheduled, for a delayed start)',
  ),
  ...ERROR_RESPONSES,
} as const;

const listResponses = {
  200: objectOf({ items: { type: 'array', items: ref('TaskDto') }, total: { type: 'integer', description: 'Matches before paging' }, counts: ref('TaskCounts') }, 'Tasks, newest first'),
  ...ERROR_RESPONSES,
} as const;

const clearResponses = { 200: objectOf({ deleted: { type: 'integer' } }), ...ERROR_RESPONSES } as const;

const idParamsSchema = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;
const idSchema = { params: idParamsSchema, querystring: { type: 'object', properties: sessionQuery }, response: taskAnswer, tags: ['tasks'] } as const;

interface ListQuery {
  clientId?: string;
  state?: TaskState;
  q?: string;
  limit?: string;
  offset?: string;
  /** Every session's tasks: the owner only (loopback or API token). With it, `clientId` narrows to one session. */
  all?: string;
  kind?: string;
  createdAfter?: string;
  createdBefore?: string;
}

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: { clientId?: string }; Body: { clientId?: unknown } | undefined }>;

/**
 * The original's `POST /api/task/start` plus session-scoped reads and controls. Every route acts
 * for the caller's session (`clientId` in query or body, else the X-Socket-Id, X-Session-Id or
 * X-Client-Id header); another session's task is reported as missing, never as forbidden.
 */
export function registerTaskRoutes(app: FastifyInstance, engine: TaskService): void {
  app.post<{ Body: StartTaskRequest }>('/api/task/start', { schema: { summary: 'Queue a task (the original endpoint)', tags: ['tasks'], body: startBodySchema, response: startResponses } }, async (request, reply) => {
    const body = request.body;
    if (typeof body.name !== 'string' || body.name.trim() === '') {
      return sendError(reply, 'TASK_NAME_REQUIRED', 'Task name is required', { taskId: '' });
    }
    const when = resolveStartTime(body, Date.now());
    if (!when.ok) return sendError(reply, 'VALIDATION_FAILED', when.message, { taskId: '' });
    const target = startTarget(engine, request, body);
    if (!target.ok) return sendError(reply, target.code, target.message, { taskId: '' });
    const clientId = ownerFromRequest(body.clientId, request.headers);
    // Filled in place: spreading conditional parts cost an object per optional field, per request.
    const parameters: Record<string, unknown> = { ...body.parameters };
    if (body.duration !== undefined) parameters['duration'] = body.duration;
    const submission: TaskSubmission = { name: body.name, clientId, parameters };
    if (target.kind) submission.kind = target.kind;
    if (body.priority !== undefined) submission.priority = body.priority;
    if (body.maxAttempts !== undefined) submission.maxAttempts = body.maxAttempts;
    if (when.runAt !== undefined) submission.runAt = when.runAt;
    const outcome = await engine.submit(submission);
    if (!outcome.ok) return sendError(reply, SUBMIT_REFUSAL_CODES[outcome.reason], outcome.message, { taskId: '' });
    const scheduled = outcome.task.state === 'scheduled';
    // `status` stays the original's 'Queued' (its clients know no other success); `state` and `runAt` tell a delayed task apart.
    const response: StartTaskResponse & { clientId: string; state: TaskState; runAt: string | null } = {
      taskId: outcome.task.id,
      message: scheduled ? 'Task scheduled successfully' : 'Task queued successfully',
      status: 'Queued',
      timestamp: new Date().toISOString(),
      clientId,
      // The state it was accepted in: a worker may already have taken it (the record is live).
      state: scheduled ? 'scheduled' : 'queued',
      runAt: scheduled ? new Date(outcome.task.runAt!).toISOString() : null,
    };
    return response;
  });

  app.get<{ Querystring: ListQuery }>('/api/tasks', { schema: { summary: "The caller's session's tasks (every session's with all=1: owner only)", tags: ['tasks'], querystring: listQuerySchema, response: listResponses } }, (request, reply) => {
    const all = request.query.all !== undefined;
    if (all && !isOwner(request)) return sendError(reply, 'OWNER_ONLY', 'Only the owner (on this machine, or with the API token) may list every session');
    const clientId = all ? request.query.clientId : sessionFromRequest(request.query.clientId, request.headers);
    if (!all && !clientId) return sessionRequired(reply);
    const filter = parseTaskFilter({ ...request.query, ...(clientId ? { clientId } : {}) });
    if (!filter.ok) return sendError(reply, 'VALIDATION_FAILED', filter.message);
    const limit = Math.min(Number(request.query.limit ?? 100), MAX_PAGE_SIZE);
    const offset = Number(request.query.offset ?? 0);
    const page = engine.list({ ...filter.query, limit, offset });
    return { items: page.items.map(toTaskDto), total: page.total, counts: page.counts };
  });

  app.delete<{ Querystring: { clientId?: string; state?: TaskState } }>('/api/tasks', { schema: { summary: "Forget the session's finished tasks", tags: ['tasks'], querystring: clearQuerySchema, response: clearResponses } }, async (request, reply) => {
    const clientId = sessionFromRequest(request.query.clientId, request.headers);
    if (!clientId) return sessionRequired(reply);
    const deleted = await engine.clearFinished(clientId, request.query.state ? [request.query.state] : undefined);
    return { deleted };
  });

  app.get('/api/tasks/:id', { schema: { ...idSchema, summary: 'One task of the caller\'s session' } }, (request: IdRequest, reply) => {
    const task = ownTask(engine, request);
    if (!task) return taskNotFound(reply, request.params.id);
    return toTaskDto(task);
  });

  app.post('/api/tasks/:id/cancel', { schema: { ...idSchema, summary: 'Cancel a queued or running task' } }, (request: IdRequest, reply) => control(request, reply, (id) => engine.cancel(id)));
  app.post('/api/tasks/:id/retry', { schema: { ...idSchema, summary: 'Run a failed or cancelled task again' } }, (request: IdRequest, reply) => control(request, reply, (id) => engine.retry(id)));
  app.delete('/api/tasks/:id', { schema: { ...idSchema, summary: 'Forget a finished task' } }, (request: IdRequest, reply) => control(request, reply, (id) => engine.delete(id)));

  async function control(request: IdRequest, reply: FastifyReply, act: (id: string) => Promise<ControlResult>): Promise<unknown> {
    const task = ownTask(engine, request);
    if (!task) return taskNotFound(reply, request.params.id);
    const outcome = await act(task.id);
    if (!outcome.ok) return sendError(reply, CONTROL_REFUSAL_CODES[outcome.reason], outcome.message);
    return toTaskDto(outcome.task);
  }
}

/** The task named in the path if it belongs to the caller's session. */
function ownTask(engine: TaskService, request: IdRequest) {
  const task = engine.get(request.params.id);
  const explicit = typeof request.body?.clientId === 'string' ? request.body.clientId : request.query.clientId;
  const clientId = sessionFromRequest(explicit, request.headers);
  return task && task.clientId === clientId ? task : undefined;
}

function taskNotFound(reply: FastifyReply, id: string): FastifyReply {
  return sendError(reply, 'NOT_FOUND', `No task with id ${id} in this session`);
}

function sessionRequired(reply: FastifyReply): FastifyReply {
  return sendError(reply, 'SESSION_REQUIRED', 'Say whose tasks these are: a clientId query parameter or an X-Session-Id header');
}
