import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TaskEngine } from '../../engine/task-engine.js';
import { isOwner } from '../access/request-principal.js';
import { sendError } from '../error-catalog.js';
import { queueState } from '../queue-dto.js';

const kindParams = { params: { type: 'object', properties: { kind: { type: 'string', maxLength: 64 } }, required: ['kind'] } } as const;
type KindRequest = FastifyRequest<{ Params: { kind: string } }>;

/**
 * Queue control, owner only: `GET /api/queue`, `POST /api/queue/pause|resume`,
 * `POST /api/queue/kinds/:kind/pause|resume`. Each answers the queue's state afterwards.
 * Pausing holds queued tasks (running ones finish) and is stored, so it survives a restart.
 */
export function registerQueueRoutes(app: FastifyInstance, engine: TaskEngine): void {
  const gate = engine.queueControl;
  app.register(async (scope) => {
    scope.addHook('preHandler', async (request, reply) => {
      if (!isOwner(request)) return sendError(reply, 'OWNER_ONLY', 'Only the owner (on this machine, or with the API token) may see or control the queue');
    });
    scope.get('/api/queue', () => queueState(engine));
    scope.post('/api/queue/pause', () => (gate.pause(), queueState(engine)));
    scope.post('/api/queue/resume', () => (gate.resume(), queueState(engine)));
    scope.post('/api/queue/kinds/:kind/pause', { schema: kindParams }, (request: KindRequest, reply) => {
      const { kind } = request.params;
      // Unknown kinds may be resumed (a job removed while paused), never newly paused.
      if (!engine.kindOf(kind)) return sendError(reply, 'UNKNOWN_KIND', `Unknown task kind '${kind}'`);
      gate.pauseKind(kind);
      return queueState(engine);
    });
    scope.post('/api/queue/kinds/:kind/resume', { schema: kindParams }, (request: KindRequest, reply) => {
      const { kind } = request.params;
      if (!engine.kindOf(kind) && !gate.isKindPaused(kind)) return sendError(reply, 'UNKNOWN_KIND', `Unknown task kind '${kind}'`);
      gate.resumeKind(kind);
      return queueState(engine);
    });
  });
}
