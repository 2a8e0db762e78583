import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TaskService } from '../../engine/task-service.js';
import { isOwner } from '../access/request-principal.js';
import { sendError } from '../error-catalog.js';
import { queueState } from '../queue-dto.js';
import { ERROR_RESPONSES, objectOf } from '../schemas/shared-schemas.js';

/** `GET /api/queue` and every control's answer (src-engine/protocol/schedules.ts `QueueStateDto`). */
const QUEUE_STATE_SCHEMA = objectOf(
  {
    paused: { type: 'boolean', description: 'The whole queue is paused: no task starts; running ones finish' },
    kinds: {
      type: 'array',
      items: objectOf({
        kind: { type: 'string' },
        paused: { type: 'boolean' },
        concurrency: { type: ['integer', 'null'], description: 'At most this many run at once; null: no own limit' },
        rateLimit: { type: ['object', 'null'], properties: { max: { type: 'integer' }, perMs: { type: 'integer' } }, required: ['max', 'perMs'] },
        running: { type: 'integer' },
        queued: { type: 'integer', description: "Waiting for a worker or for this kind's gate" },
      }),
    },
  },
  'The queue: paused or not, and each kind with its switch, limits and load',
);
const answers = (summary: string) => ({ summary, tags: ['queue'], response: { 200: QUEUE_STATE_SCHEMA, ...ERROR_RESPONSES } });

const kindParams = { params: { type: 'object', properties: { kind: { type: 'string', maxLength: 64 } }, required: ['kind'] } } as const;
type KindRequest = FastifyRequest<{ Params: { kind: string } }>;

/**
 * Queue control, owner only: `GET /api/queue`, `POST /api/queue/pause|resume`,
 * `POST /api/queue/kinds/:kind/pause|resume`. Each answers the queue's state afterwards.
 * Pausing holds queued tasks (running ones finish) and is stored, so it survives a restart.
 */
export function registerQueueRoutes(app: FastifyInstance, engine: TaskService): void {
  const gate = engine.queueControl;
  app.register(async (scope) => {
    scope.addHook('preHandler', async (request, reply) => {
      if (!isOwner(request)) return sendError(reply, 'OWNER_ONLY', 'Only the owner (on this machine, or with the API token) may see or control the queue');
    });
    scope.get('/api/queue', { schema: answers('The queue: paused, and each kind’s switch, limits, running and queued (owner only)') }, () => queueState(engine));
    scope.post('/api/queue/pause', { schema: answers('Pause the whole queue: queued tasks wait, running ones finish (owner only)') }, () => (gate.pause(), queueState(engine)));
    scope.post('/api/queue/resume', { schema: answers('Resume the whole queue (owner only)') }, () => (gate.resume(), queueState(engine)));
    scope.post('/api/queue/kinds/:kind/pause', { schema: { ...kindParams, ...answers('Pause one kind (job): its queued tasks wait (owner only)') } }, (request: KindRequest, reply) => {
      const { kind } = request.params;
      // Unknown kinds may be resumed (a job removed while paused), never newly paused.
      if (!engine.kindOf(kind)) return sendError(reply, 'UNKNOWN_KIND', `Unknown task kind '${kind}'`);
      gate.pauseKind(kind);
      return queueState(engine);
    });
    scope.post('/api/queue/kinds/:kind/resume', { schema: { ...kindParams, ...answers('Resume one kind (job) (owner only)') } }, (request: KindRequest, reply) => {
      const { kind } = request.params;
      if (!engine.kindOf(kind) && !gate.isKindPaused(kind)) return sendError(reply, 'UNKNOWN_KIND', `Unknown task kind '${kind}'`);
      gate.resumeKind(kind);
      return queueState(engine);
    });
  });
}
