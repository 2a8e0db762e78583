import type { FastifyInstance } from 'fastify';
import type { TaskService } from '../../engine/task-service.js';
import type { RouteCatalog } from '../route-catalog.js';
import { objectOf } from '../schemas/shared-schemas.js';
import type { SocketHub } from '../socket-hub.js';

/** Name reported by the health endpoints. */
export const SERVICE_NAME = 'Background Task Monitor';

/** What the info routes need to know. */
export interface InfoRouteContext {
  engine: TaskService;
  hub: SocketHub;
  version: string;
  /** When the UI is mounted, browsers asking `GET /` for HTML get the page instead of JSON. */
  serveUi: ((request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => void) | undefined;
  /** The registered routes, listed by `GET /`. */
  catalog: RouteCatalog;
}

const timestamp = { type: 'string', format: 'date-time' } as const;
const healthy = { type: 'string', enum: ['Healthy', 'Degraded'], description: "The original's `Healthy`; `Degraded` (addition) while the task database cannot be written" } as const;

/** Adds the optional `storage` field a `Degraded` answer carries. */
function withStorage(schema: Record<string, unknown>): Record<string, unknown> {
  return { ...schema, properties: { ...(schema['properties'] as object), storage: { type: 'string', description: 'Addition: why the task database cannot be written' } } };
}

const INFO_SCHEMA = objectOf(
  {
    message: { type: 'string' },
    version: { type: 'string' },
    timestamp,
    endpoints: {
      type: 'object',
      description: "The original's four endpoints, plus the API description's",
      properties: { health: { type: 'string' }, taskStart: { type: 'string' }, taskStatus: { type: 'string' }, webSocket: { type: 'string' }, openApi: { type: 'string' }, docs: { type: 'string' } },
      required: ['health', 'taskStart', 'taskStatus', 'webSocket'],
    },
    routes: {
      type: 'array',
      description: 'Addition: every endpoint the server answers, from its registered routes',
      items: { type: 'object', properties: { method: { type: 'string' }, path: { type: 'string' }, summary: { type: 'string' } }, required: ['method', 'path'] },
    },
  },
  'API information',
);

/** `GET /`, `/health`, `/api/task/status`, `/api/task/health`, exactly as the original shaped them. */
export function registerInfoRoutes(app: FastifyInstance, { engine, hub, version, serveUi, catalog }: InfoRouteContext): void {
  app.get('/', { schema: { summary: 'API information and every endpoint', tags: ['info'], response: { 200: INFO_SCHEMA } } }, (request, reply) => {
    // One origin serves both the API and the page: browsers navigating here ask for HTML and get
    // the UI, while API clients (Accept: */* or application/json) keep the original's JSON.
    if (serveUi && prefersHtml(request.headers.accept)) return serveUi(request, reply);
    return {
      message: 'Background Task Monitor API',
      version,
      timestamp: new Date().toISOString(),
      endpoints: { health: '/health', taskStart: '/api/task/start', taskStatus: '/api/task/status', webSocket: '/ws', openApi: '/openapi.json', docs: '/docs' },
      routes: catalog.endpoints(),
    };
  });

  // `Degraded` (an addition to the original's `Healthy`) while the task database cannot be
  // written: tasks are refused with 503 until it can; `storage` then says why (docs/durability.md).
  const health = () => {
    const failure = engine.storeFailure;
    return failure === undefined ? { status: 'Healthy' } : { status: 'Degraded', storage: `task database writes fail: ${failure}` };
  };

  app.get('/health', { schema: { summary: 'Health, with the number of open WebSockets', tags: ['info'], response: { 200: withStorage(objectOf({ status: healthy, timestamp, activeConnections: { type: 'integer' }, service: { type: 'string' } })) } } }, () => ({
    ...health(),
    timestamp: new Date().toISOString(),
    activeConnections: hub.size,
    service: SERVICE_NAME,
  }));

  app.get(
    '/api/task/status',
    {
      schema: {
        summary: 'Task service status',
        tags: ['info'],
        response: { 200: withStorage(objectOf({ message: { type: 'string' }, timestamp, activeWebSocketConnections: { type: 'integer' }, queuedTasks: { type: 'integer' }, status: healthy })) },
      },
    },
    () => ({
    message: 'Task service is running',
    timestamp: new Date().toISOString(),
    activeWebSocketConnections: hub.size,
    queuedTasks: engine.queuedCount,
    ...health(),
    }),
  );

  app.get('/api/task/health', { schema: { summary: 'Health (the original client calls this one)', tags: ['info'], response: { 200: withStorage(objectOf({ status: healthy, timestamp, service: { type: 'string' } })) } } }, () => ({ ...health(), timestamp: new Date().toISOString(), service: SERVICE_NAME }));
}

/** True when the Accept header names text/html explicitly (browsers' navigations do). */
export function prefersHtml(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('text/html');
}
