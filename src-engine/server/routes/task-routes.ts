import type { FastifyInstance } from 'fastify';
import type { TaskEngine } from '../../engine/task-engine.js';
import type { StartTaskRequest, StartTaskResponse, TaskState } from '../../protocol/messages.js';
import { DEMO_DURATION } from '../../protocol/messages.js';
import { MAX_CLIENT_ID_LENGTH, ownerFromRequest, sessionFromRequest } from '../client-id.js';
import { CONTROL_REFUSAL_CODES, SUBMIT_REFUSAL_CODES, sendError } from '../error-catalog.js';
import { toTaskDto } from '../task-dto.js';

/** Longest task name accepted. */
export const MAX_NAME_LENGTH = 200;

const TASK_STATES: TaskState[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];

const startBodySchema = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: MAX_NAME_LENGTH },
    duration: { type: 'number', minimum: DEMO_DURATION.min, maximum: DEMO_DURATION.max },
    clientId: { type: 'string', maxLength: MAX_CLIENT_ID_LENGTH },
    parameters: { type: 'object' },
    kind: { type: 'string', maxLength: 64 },
  },
} as const;

const listQuerySchema = {
  type: 'object',
  properties: {
    clientId: { type: 'string', maxLength: MAX_CLIENT_ID_LENGTH },
    state: { type: 'string', enum: TASK_STATES },
    q: { type: 'string', maxLength: MAX_NAME_LENGTH },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
    offset: { type: 'string', pattern: '^[0-9]{1,9}$' },
  },
} as const;

const idParamsSchema = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;

interface ListQuery {
  clientId?: string;
  state?: TaskState;
  q?: string;
  limit?: string;
  offset?: string;
}

/** Most tasks one list request returns. */
export const MAX_PAGE_SIZE = 1000;

/** The original's `POST /api/task/start` plus the session-scoped task reads and controls. */
export function registerTaskRoutes(app: FastifyInstance, engine: TaskEngine): void {
  app.post<{ Body: StartTaskRequest }>('/api/task/start', { schema: { body: startBodySchema } }, (request, reply) => {
    const body = request.body;
    if (typeof body.name !== 'string' || body.name.trim() === '') {
      return sendError(reply, 'TASK_NAME_REQUIRED', 'Task name is required', { taskId: '' });
    }
    const clientId = ownerFromRequest(body.clientId, request.headers);
    const parameters = { ...body.parameters, ...(body.duration === undefined ? {} : { duration: body.duration }) };
    const outcome = engine.submit({ name: body.name, clientId, parameters, ...(body.kind ? { kind: body.kind } : {}) });
    if (!outcome.ok) return sendError(reply, SUBMIT_REFUSAL_CODES[outcome.reason], outcome.message, { taskId: '' });
    const response: StartTaskResponse & { clientId: string } = {
      taskId: outcome.task.id,
      message: 'Task queued successfully',
      status: 'Queued',
      timestamp: new Date().toISOString(),
      clientId,
    };
    return response;
  });

  app.get<{ Querystring: ListQuery }>('/api/tasks', { schema: { querystring: listQuerySchema } }, (request, reply) => {
    const clientId = sessionFromRequest(request.query.clientId, request.headers);
    if (!clientId) return sendError(reply, 'SESSION_REQUIRED', 'Say whose tasks to list: a clientId query parameter or an X-Session-Id header');
    const { state, q } = request.query;
    const limit = Math.min(Number(request.query.limit ?? 100), MAX_PAGE_SIZE);
    const offset = Number(request.query.offset ?? 0);
    const page = engine.list({ clientId, limit, offset, ...(state ? { state } : {}), ...(q ? { q } : {}) });
    return { items: page.items.map(toTaskDto), total: page.total };
  });

  app.get<{ Params: { id: string }; Querystring: { clientId?: string } }>(
    '/api/tasks/:id',
    { schema: { params: idParamsSchema } },
    (request, reply) => {
      const task = engine.get(request.params.id);
      const clientId = sessionFromRequest(request.query.clientId, request.headers);
      // Another session's task is reported as missing: its existence is not ours to reveal.
      if (!task || task.clientId !== clientId) return sendError(reply, 'NOT_FOUND', `No task with id ${request.params.id}`);
      return toTaskDto(task);
    },
  );

  app.post<{ Params: { id: string }; Querystring: { clientId?: string }; Body: { clientId?: string } | undefined }>(
    '/api/tasks/:id/cancel',
    { schema: { params: idParamsSchema } },
    (request, reply) => {
      const task = engine.get(request.params.id);
      const clientId = sessionFromRequest(request.body?.clientId ?? request.query.clientId, request.headers);
      if (!task || task.clientId !== clientId) return sendError(reply, 'NOT_FOUND', `No task with id ${request.params.id}`);
      const outcome = engine.cancel(task.id);
      if (!outcome.ok) return sendError(reply, CONTROL_REFUSAL_CODES[outcome.reason], outcome.message);
      return toTaskDto(outcome.task);
    },
  );
}
