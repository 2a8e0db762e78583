import type { FastifyInstance } from 'fastify';
import type { TaskEngine } from '../../engine/task-engine.js';
import type { SocketHub } from '../socket-hub.js';

/** Name reported by the health endpoints. */
export const SERVICE_NAME = 'Background Task Monitor';

/** What the info routes need to know. */
export interface InfoRouteContext {
  engine: TaskEngine;
  hub: SocketHub;
  version: string;
  /** When the UI is mounted, browsers asking `GET /` for HTML get the page instead of JSON. */
  serveUi: ((request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => void) | undefined;
}

/** `GET /`, `/health`, `/api/task/status`, `/api/task/health`, exactly as the original shaped them. */
export function registerInfoRoutes(app: FastifyInstance, { engine, hub, version, serveUi }: InfoRouteContext): void {
  app.get('/', (request, reply) => {
    // One origin serves both the API and the page: browsers navigating here ask for HTML and get
    // the UI, while API clients (Accept: */* or application/json) keep the original's JSON.
    if (serveUi && prefersHtml(request.headers.accept)) return serveUi(request, reply);
    return {
      message: 'Background Task Monitor API',
      version,
      timestamp: new Date().toISOString(),
      endpoints: { health: '/health', taskStart: '/api/task/start', taskStatus: '/api/task/status', webSocket: '/ws' },
    };
  });

  // `Degraded` (an addition to the original's `Healthy`) while the task database cannot be
  // written: tasks are refused with 503 until it can; `storage` then says why (docs/durability.md).
  const health = () => {
    const failure = engine.storeFailure;
    return failure === undefined ? { status: 'Healthy' } : { status: 'Degraded', storage: `task database writes fail: ${failure}` };
  };

  app.get('/health', () => ({
    ...health(),
    timestamp: new Date().toISOString(),
    activeConnections: hub.size,
    service: SERVICE_NAME,
  }));

  app.get('/api/task/status', () => ({
    message: 'Task service is running',
    timestamp: new Date().toISOString(),
    activeWebSocketConnections: hub.size,
    queuedTasks: engine.queuedCount,
    ...health(),
  }));

  app.get('/api/task/health', () => ({ ...health(), timestamp: new Date().toISOString(), service: SERVICE_NAME }));
}

/** True when the Accept header names text/html explicitly (browsers' navigations do). */
export function prefersHtml(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('text/html');
}
