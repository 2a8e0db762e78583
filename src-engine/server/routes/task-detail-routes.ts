import type { FastifyInstance } from 'fastify';
import type { TaskService } from '../../engine/task-service.js';
import { isOwner } from '../access/request-principal.js';
import { sessionFromRequest } from '../client-id.js';
import { sendError } from '../error-catalog.js';
import { toTaskDto } from '../task-dto.js';
import { reconstructHistory, type TaskHistory, type TaskHistoryEntry } from '../task-history.js';
import type { TaskDto } from '../../protocol/messages.js';
import { ERROR_RESPONSES, objectOf, ref } from '../schemas/shared-schemas.js';

/** `GET /api/tasks/:id/history` answer. */
export interface TaskHistoryResponse {
  task: TaskDto;
  /** State changes, oldest first. */
  history: TaskHistoryEntry[];
  /**
   * False when the server did not watch the task's whole life (it was created before this server
   * run started, or its history outgrew the bounds): `history` is then rebuilt from the record or
   * starts late.
   */
  complete: boolean;
}

const TASK_STATES = ['scheduled', 'queued', 'running', 'completed', 'failed', 'cancelled'];

const historyEntrySchema = objectOf({
  at: { type: 'string', format: 'date-time' },
  state: { type: 'string', enum: TASK_STATES },
  status: { type: 'string' },
  attempt: { type: 'integer' },
  error: { type: ['string', 'null'] },
  retryAt: { type: ['string', 'null'], format: 'date-time' },
});

const schema = {
  summary: 'A task and its state changes (its own session, or the owner)',
  tags: ['tasks'],
  response: {
    200: objectOf({
      task: ref('TaskDto'),
      history: { type: 'array', items: historyEntrySchema, description: 'State changes, oldest first' },
      complete: { type: 'boolean', description: 'False when the server did not watch the whole life of the task' },
    }),
    ...ERROR_RESPONSES,
  },
  params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
  querystring: { type: 'object', properties: { clientId: { type: 'string', maxLength: 128 } } },
} as const;

/**
 * A task's page data: `GET /api/tasks/:id/history` answers the task and its state changes. The
 * same access rule as the task itself: the task's own session, or the owner (any task); everyone
 * else hears 404, as for a task that does not exist.
 */
export function registerTaskDetailRoutes(app: FastifyInstance, engine: TaskService, history: TaskHistory): void {
  app.get<{ Params: { id: string }; Querystring: { clientId?: string } }>('/api/tasks/:id/history', { schema }, (request, reply) => {
    const task = engine.get(request.params.id);
    const session = sessionFromRequest(request.query.clientId, request.headers);
    if (!task || (task.clientId !== session && !isOwner(request))) {
      return sendError(reply, 'NOT_FOUND', `No task with id ${request.params.id} in this session`);
    }
    const seen = history.of(task.id);
    // Watched from its start: the first change kept is its queueing.
    const complete = seen[0] !== undefined && seen[0].state === 'queued' && seen[0].attempt === 1;
    const response: TaskHistoryResponse = { task: toTaskDto(task), history: seen.length > 0 ? [...seen] : reconstructHistory(task), complete };
    return response;
  });
}
