import type { FastifyInstance } from 'fastify';
import type { ControlResult } from '../../engine/engine-results.js';
import type { TaskService } from '../../engine/task-service.js';
import { isOwner } from '../access/request-principal.js';
import { CONTROL_REFUSAL_CODES, sendError, type ErrorCode } from '../error-catalog.js';
import { ERROR_RESPONSES, objectOf } from '../schemas/shared-schemas.js';
import { parseTaskFilter, taskFilterSchema, type TaskFilterInput } from './task-filter-query.js';

/** Most ids one bulk request may name (a filter has no such limit). */
export const MAX_BULK_IDS = 1000;

/** What a bulk request does to each task. */
export type BulkAction = 'cancel' | 'retry' | 'delete';

/** `POST /api/tasks/bulk` body: an action, and the tasks as ids or as a filter (exactly one). */
export interface BulkRequest {
  action: BulkAction;
  ids?: string[];
  filter?: TaskFilterInput;
}

/** `POST /api/tasks/bulk` answer: how many tasks were named or matched, and how each one went. */
export interface BulkResponse {
  matched: number;
  succeeded: number;
  failed: { id: string; code: ErrorCode; message: string }[];
}

const bulkBodySchema = {
  type: 'object',
  required: ['action'],
  additionalProperties: false,
  properties: {
    action: { type: 'string', enum: ['cancel', 'retry', 'delete'] },
    ids: { type: 'array', minItems: 1, maxItems: MAX_BULK_IDS, items: { type: 'string', minLength: 1, maxLength: 64 } },
    filter: taskFilterSchema,
  },
} as const;

const bulkResponses = {
  200: objectOf(
    {
      matched: { type: 'integer', description: 'Tasks named or matched' },
      succeeded: { type: 'integer' },
      failed: { type: 'array', items: objectOf({ id: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } }), description: 'Each task the action was refused for, with the code the single-task route gives' },
    },
    'How each task went',
  ),
  ...ERROR_RESPONSES,
} as const;

/** Tasks acted on at once: enough to batch the store's commits, few enough to keep the loop responsive. */
const CHUNK = 100;

/**
 * The owner's bulk actions (`POST /api/tasks/bulk`): cancel, retry or delete many tasks of any
 * session at once, named by id or by a filter (the list's filters: state, name, kind, session,
 * creation time). Each task succeeds or fails on its own, with the code the single-task route
 * would give (a finished task cannot be cancelled: INVALID_STATE, and so on). Owner only:
 * everyone else gets 403 OWNER_ONLY, since it reaches every session.
 */
export function registerBulkRoutes(app: FastifyInstance, engine: TaskService): void {
  app.post<{ Body: BulkRequest }>('/api/tasks/bulk', { schema: { summary: 'Cancel, retry or delete many tasks of any session (owner only)', tags: ['tasks'], body: bulkBodySchema, response: bulkResponses } }, async (request, reply) => {
    if (!isOwner(request)) return sendError(reply, 'OWNER_ONLY', 'Only the owner (on this machine, or with the API token) may act on many tasks at once');
    const { action, ids, filter } = request.body;
    if ((ids === undefined) === (filter === undefined)) return sendError(reply, 'VALIDATION_FAILED', 'Name the tasks either by ids or by a filter (one of the two)');
    let targets: string[];
    if (ids) targets = [...new Set(ids)];
    else {
      const parsed = parseTaskFilter(filter!);
      if (!parsed.ok) return sendError(reply, 'VALIDATION_FAILED', `filter: ${parsed.message}`);
      targets = engine.list(parsed.query).items.map((task) => task.id);
    }
    const act = actionOf(engine, action);
    const response: BulkResponse = { matched: targets.length, succeeded: 0, failed: [] };
    for (let i = 0; i < targets.length; i += CHUNK) {
      const chunk = targets.slice(i, i + CHUNK);
      const outcomes = await Promise.all(chunk.map((id) => act(id)));
      outcomes.forEach((outcome, j) => {
        if (outcome.ok) response.succeeded++;
        else response.failed.push({ id: chunk[j]!, code: CONTROL_REFUSAL_CODES[outcome.reason], message: outcome.message });
      });
    }
    return response;
  });
}

function actionOf(engine: TaskService, action: BulkAction): (id: string) => Promise<ControlResult> {
  switch (action) {
    case 'cancel':
      return (id) => engine.cancel(id);
    case 'retry':
      return (id) => engine.retry(id);
    case 'delete':
      return (id) => engine.delete(id);
  }
}
