import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TaskService } from '../../engine/task-service.js';
import type { ScheduleInput } from '../../protocol/schedules.js';
import { checkCron, MAX_CRON_LENGTH, nextRuns } from '../../schedules/cron-rule.js';
import type { Scheduler, ScheduleResult } from '../../schedules/scheduler.js';
import { isOwner } from '../access/request-principal.js';
import { MAX_CLIENT_ID_LENGTH, sessionFromRequest } from '../client-id.js';
import { SCHEDULE_REFUSAL_CODES, sendError } from '../error-catalog.js';
import { toScheduleDto } from '../schedule-dto.js';
import { toTaskDto, isoOf } from '../task-dto.js';
import { ERROR_RESPONSES, objectOf, ref } from '../schemas/shared-schemas.js';

/** Most run times a preview lists. */
export const MAX_PREVIEW_COUNT = 20;

const definition = {
  kind: { type: 'string', maxLength: 64 },
  parameters: { type: 'object' },
  cron: { type: 'string', maxLength: MAX_CRON_LENGTH },
  timezone: { type: 'string', maxLength: 64 },
  enabled: { type: 'boolean' },
  overlap: { type: 'string', enum: ['skip', 'queue', 'allow'] },
  misfire: { type: 'string', enum: ['runOnce', 'skip'] },
  clientId: { type: 'string', maxLength: MAX_CLIENT_ID_LENGTH },
} as const;

const tags = ['schedules'];
const one = { 200: ref('ScheduleDto'), ...ERROR_RESPONSES } as const;
const listSchema = { summary: 'Every recurring schedule (owner only)', tags, response: { 200: objectOf({ items: { type: 'array', items: ref('ScheduleDto') } }), ...ERROR_RESPONSES } } as const;

const createSchema = { summary: 'Create a recurring schedule (owner only)', tags, response: { 201: ref('ScheduleDto'), ...ERROR_RESPONSES }, body: { type: 'object', required: ['cron'], properties: definition } } as const;
const patchSchema = { summary: 'Change a schedule; a file schedule only enable/disable (owner only)', tags, response: one, body: { type: 'object', properties: definition, additionalProperties: true } } as const;
const idParams = { params: { type: 'object', properties: { id: { type: 'string', maxLength: 128 } }, required: ['id'] } } as const;
const previewSchema = {
  summary: 'The next run times of a cron expression, to check a form (owner only)',
  tags,
  response: {
    200: objectOf({ cron: { type: 'string' }, timezone: { type: 'string' }, runs: { type: 'array', items: { type: 'string', format: 'date-time' } } }),
    ...ERROR_RESPONSES,
  },
  querystring: {
    type: 'object',
    required: ['cron'],
    properties: { cron: { type: 'string', maxLength: MAX_CRON_LENGTH }, timezone: { type: 'string', maxLength: 64 }, count: { type: 'string', pattern: '^[0-9]{1,2}$' } },
  },
} as const;

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/**
 * Recurring schedules, owner only (loopback or the API token; paired devices get 403 OWNER_ONLY):
 * `GET/POST /api/schedules`, `GET/PATCH/DELETE /api/schedules/:id`, `POST /api/schedules/:id/run`,
 * and `GET /api/schedules/preview?cron=&timezone=&count=` for a form's live check.
 */
export function registerScheduleRoutes(app: FastifyInstance, scheduler: Scheduler, engine: TaskService): void {
  const dto = (schedule: Parameters<typeof toScheduleDto>[0]) => toScheduleDto(schedule, (id) => engine.get(id));
  const answer = (reply: FastifyReply, result: ScheduleResult) => (result.ok ? dto(result.value) : sendError(reply, SCHEDULE_REFUSAL_CODES[result.reason], result.message));

  app.register(async (scope) => {
    scope.addHook('preHandler', async (request, reply) => {
      if (!isOwner(request)) return sendError(reply, 'OWNER_ONLY', 'Only the owner (on this machine, or with the API token) may see or change schedules');
    });

    scope.get('/api/schedules', { schema: listSchema }, () => ({ items: scheduler.list().map(dto) }));

    scope.get<{ Querystring: { cron: string; timezone?: string; count?: string } }>('/api/schedules/preview', { schema: previewSchema }, (request, reply) => {
      const { cron, timezone = 'UTC' } = request.query;
      const count = Math.min(Math.max(Number(request.query.count ?? 3), 1), MAX_PREVIEW_COUNT);
      const check = checkCron(cron, timezone);
      if (!check.ok) return sendError(reply, check.field === 'cron' ? 'INVALID_CRON' : 'INVALID_TIMEZONE', check.message);
      return { cron, timezone, runs: nextRuns(cron, timezone, Date.now(), count).map(isoOf) };
    });

    scope.post<{ Body: ScheduleInput }>('/api/schedules', { schema: createSchema }, (request, reply) => {
      const clientId = sessionFromRequest(undefined, request.headers);
      const result = scheduler.create(request.body, clientId ? { clientId } : {});
      if (!result.ok) return answer(reply, result);
      return reply.code(201).send(dto(result.value));
    });

    scope.get('/api/schedules/:id', { schema: { ...idParams, summary: 'One schedule (owner only)', tags, response: one } }, (request: IdRequest, reply) => {
      const schedule = scheduler.get(request.params.id);
      return schedule ? dto(schedule) : sendError(reply, 'NOT_FOUND', `No schedule with id ${request.params.id}`);
    });

    scope.patch<{ Params: { id: string }; Body: Partial<ScheduleInput> }>('/api/schedules/:id', { schema: { ...idParams, ...patchSchema } }, (request, reply) =>
      answer(reply, scheduler.update(request.params.id, request.body)),
    );

    scope.delete('/api/schedules/:id', { schema: { ...idParams, summary: 'Delete a schedule made over the API (owner only)', tags, response: { 200: objectOf({ deleted: { type: 'string', description: 'The id of the deleted schedule' } }), ...ERROR_RESPONSES } } }, (request: IdRequest, reply) => {
      const result = scheduler.delete(request.params.id);
      return result.ok ? { deleted: result.value.id } : answer(reply, result);
    });

    scope.post('/api/schedules/:id/run', { schema: { ...idParams, summary: 'Start a run of a schedule now (owner only)', tags, response: { 200: objectOf({ schedule: ref('ScheduleDto'), task: ref('TaskDto') }), ...ERROR_RESPONSES } } }, async (request: IdRequest, reply) => {
      const result = await scheduler.runNow(request.params.id);
      if (!result.ok) return sendError(reply, SCHEDULE_REFUSAL_CODES[result.reason], result.message);
      return { schedule: dto(result.value.schedule), task: toTaskDto(result.value.task) };
    });
  });
}
