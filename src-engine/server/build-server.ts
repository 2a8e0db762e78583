import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import cors from '@fastify/cors';
import fastifyPlugin from 'fastify-plugin';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { TaskService } from '../engine/task-service.js';
import { AccessControl } from './access/access-control.js';
import { installAccess } from './access/install-access.js';
import type { UpgradeGuard } from './access/upgrade-guard.js';
import { fastifyHardening } from './access/fastify-hardening.js';
import { DEFAULT_MAX_MESSAGE_BYTES, resolveLimits, type ServerLimits } from './access/server-limits.js';
import { handHeadersToRaw } from './access/security-headers.js';
import { LocalDelivery } from './delivery/local-delivery.js';
import { ClusterDelivery } from './delivery/cluster-delivery.js';
import { errorBody, sendError } from './error-catalog.js';
import { FORBIDDEN_KEY_ERROR, installJsonBodyParser } from './json-body.js';
import { ERROR_RESPONSES } from './schemas/shared-schemas.js';
import { TaskMetrics } from '../metrics/task-metrics.js';
import { MemoryRollupStore } from '../metrics/rollup-store.js';
import { StatsRollups } from '../metrics/stats-rollups.js';
import { registerStatsRoutes } from './routes/stats-routes.js';
import { StatsPush } from './stats-push.js';
import { installApiDocs } from './api-docs.js';
import { installRequestLog } from './request-log.js';
import { RouteCatalog } from './route-catalog.js';
import { registerInfoRoutes } from './routes/info-routes.js';
import { METRICS_PATH, registerMetricsRoutes } from './routes/metrics-routes.js';
import { registerTaskRoutes } from './routes/task-routes.js';
import { registerBulkRoutes } from './routes/bulk-routes.js';
import { OwnerFeed, refuseAllScope } from './owner-feed.js';
import { registerJobRoutes } from './routes/job-routes.js';
import { registerLogRoutes } from './logs/log-routes.js';
import { TaskLogFeed } from './logs/task-log-feed.js';
import type { JobCatalog } from '../jobs/jobs-catalog.js';
import { registerScheduleRoutes } from './routes/schedule-routes.js';
import type { Scheduler } from '../schedules/scheduler.js';
import { OwnerSockets } from './owner-sockets.js';
import { bridgeSchedulesToOwner } from './schedule-bridge.js';
import { registerTaskDetailRoutes } from './routes/task-detail-routes.js';
import { TaskHistory } from './task-history.js';
import { registerQueueRoutes } from './routes/queue-routes.js';
import { queueState } from './queue-dto.js';
import { SessionJournal } from './session-journal.js';
import { SocketHub } from './socket-hub.js';
import { DEFAULT_OUTBOX_LIMITS } from './socket-outbox.js';
import { describeValidationErrors } from './validation-messages.js';
import { WsEndpoint } from './ws-endpoint.js';

/** A connect-style handler, such as SvelteKit adapter-node's `handler`. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** Log levels of pino, plus `silent`. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Options of {@link buildServer}. */
export interface ServerOptions {
  /** Default `info`. */
  logLevel?: LogLevel;
  /** Where log lines go (pino JSON lines); default stdout. */
  logStream?: NodeJS.WritableStream;
  /** Extra origins allowed by CORS (the server's own origin needs no CORS). */
  allowOrigins?: readonly string[];
  /** Keep-alive ping interval in ms; a peer silent for one interval is dropped. Default 30 s. */
  keepAliveMs?: number;
  /** Largest WebSocket message accepted, in bytes; a bigger one closes the socket with 1009. Default 4 KiB. */
  maxMessageBytes?: number;
  /** Largest request body accepted, in bytes. Default 64 KiB. */
  bodyLimit?: number;
  /** The UI (SvelteKit's handler) served on the same origin; without it only the API is served. */
  ui?: NodeHandler;
  /** Reported by `GET /`. */
  version?: string;
  /** Messages kept per session for a reconnecting client's replay. Default 1000. */
  replayFrames?: number;
  /** The access policy (Host, Origin, pairing, tokens); default: loopback-only trust, state in memory. */
  access?: AccessControl;
  /** Resource limits (connections, message rate, queued tasks per session, timeouts); see docs/security.md. */
  limits?: Partial<ServerLimits>;
  /** Prometheus metrics of this server; default: a fresh set (its own registry). */
  metrics?: TaskMetrics;
  /** `--metrics-public`: `GET /metrics` needs no pairing or token. Default false (owner only). */
  metricsPublic?: boolean;
  /** The owner's jobs (`GET /api/jobs`, `job` in start requests); without it the list is empty. */
  jobs?: JobCatalog;
  /** Recurring schedules: serves `/api/schedules` and announces changes to owner sockets. */
  scheduler?: Scheduler;
  /** Per-minute rollups behind `GET /api/stats`; default: in memory, closed with the server. */
  stats?: StatsRollups;
  /** Interval of the `statsTick` push to the owner's sockets. Default 5 s. */
  statsPushMs?: number;
}

/** Tasks in the snapshot a socket is greeted with (the rest: `GET /api/tasks`). */
const SNAPSHOT_LIMIT = 200;

/** How long sockets get to finish their closing handshake at shutdown before they are cut. */
const CLOSE_HANDSHAKE_MS = 1000;

/**
 * Builds the HTTP + WebSocket server around an engine, without listening: callers (the launcher,
 * the desktop app, tests) choose where to listen. Closing the server closes every socket with
 * code 1001, but leaves the engine to its owner.
 */
export function buildServer(engine: TaskService, options: ServerOptions = {}): FastifyInstance {
  const limits = resolveLimits(options.limits);
  const app = Fastify({
    ...fastifyHardening(limits), // request/headers timeouts, router errors in the catalog's shape
    // Silent: no logger at all, rather than pino at level silent, which still built a child logger
    // (its bindings serialised) for every request only to discard it (~1-2 µs a request).
    logger: options.logLevel === 'silent' ? false : { level: options.logLevel ?? 'info', ...(options.logStream ? { stream: options.logStream } : {}) },
    // Two info lines per request buried what people need: installRequestLog writes one, at debug.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    // Types are checked, not coerced: a duration of "5000" is a mistake worth reporting.
    ajv: { customOptions: { coerceTypes: false } },
  });
  if (options.logLevel !== 'silent') installRequestLog(app); // a hook per request that could never write
  const catalog = RouteCatalog.install(app); // before any route: GET / lists them all
  installApiDocs(app, options.version ?? '0.0.0');
  const hub = new SocketHub({ ...DEFAULT_OUTBOX_LIMITS, maxPendingBytes: limits.maxOutboxBytes });
  const journal = new SessionJournal({ framesPerSession: options.replayFrames ?? 1000 });
  const logFeed = new TaskLogFeed(engine);
  // A backend that numbers sessions' events itself (a cluster) is followed; else this server numbers them.
  const delivery = engine.sessionLog ? new ClusterDelivery(engine.sessionLog, hub, SNAPSHOT_LIMIT, app.log) : new LocalDelivery(engine, hub, journal, SNAPSHOT_LIMIT);
  const ws = new WsEndpoint(hub, delivery, app.log, {
    keepAliveMs: options.keepAliveMs ?? 30_000,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    onMessage: (socket, sessionId, message) => logFeed.handle(socket, sessionId, message),
  });
  const metrics = options.metrics ?? new TaskMetrics(engine);
  metrics.attachSockets(hub);
  const ownerFeed = new OwnerFeed(engine, hub, SNAPSHOT_LIMIT);
  // Owner-only news (schedules, queue control) goes to the sockets admitted as the owner.
  const owners = new OwnerSockets();
  const unbridgeSchedules = options.scheduler ? bridgeSchedulesToOwner(options.scheduler, engine, owners) : () => undefined;
  const history = new TaskHistory(engine);
  const unbridgeQueue = engine.queueControl.subscribe(() => owners.broadcast({ type: 'queueState', data: queueState(engine), timestamp: new Date().toISOString() }));
  const stats = options.stats ?? new StatsRollups(engine, new MemoryRollupStore());
  const statsPush = new StatsPush(stats, options.statsPushMs);
  const serveUi = options.ui ? uiResponder(options.ui) : undefined;
  const access = options.access ?? new AccessControl({ allowOrigins: options.allowOrigins ?? [], limits });
  let upgradeGuard: UpgradeGuard | undefined;

  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node drops its own 'error' listener from a socket it hands to 'upgrade': a peer that resets
    // while we answer (a refusal, the handshake) would otherwise crash the process (ECONNRESET).
    socket.on('error', (error) => app.log.debug({ err: error }, 'upgrade socket error'));
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://localhost');
    } catch {
      return rejectUpgrade(socket, 400, 'Bad Request'); // e.g. "GET http://[ HTTP/1.1": a throw here would crash the process
    }
    if (url.pathname !== '/ws') return rejectUpgrade(socket, 404, 'Not Found');
    if (!upgradeGuard) return rejectUpgrade(socket, 503, 'Service Unavailable'); // not ready yet
    const admitted = upgradeGuard.admit(request, socket); // refusals are answered on the socket
    if (!admitted) return;
    const onOpen: typeof admitted.onOpen = (opened) => {
      admitted.onOpen(opened);
      if (admitted.principal.kind !== 'owner') return;
      owners.add(opened);
      statsPush.add(opened); // stats span every session
    };
    if (url.searchParams.get('scope') !== 'all') return ws.handleUpgrade(request, socket, head, url, onOpen);
    if (admitted.principal.kind !== 'owner') return refuseAllScope(socket);
    ws.handleUpgrade(request, socket, head, url, onOpen, ownerFeed);
  });

  // @fastify/swagger learns the routes from an onRoute hook it adds when it loads, and plugins
  // load lazily, in order: so the access policy and every route are installed by a plugin
  // registered after it. fastify-plugin keeps it unencapsulated: its hooks, 404 and error
  // handlers are the whole app's, exactly as if they were installed here directly.
  app.register(
    fastifyPlugin(async () => {
      upgradeGuard = installAccess(app, { engine, access, limits, publicPaths: options.metricsPublic ? [METRICS_PATH] : [] });
      installJsonBodyParser(app); // says which key it refuses, instead of "not valid JSON"
      if (options.allowOrigins?.length) {
        const allowed = new Set(options.allowOrigins);
        app.register(cors, { origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)), credentials: true });
      }
      app.get('/ws', { schema: { summary: 'The WebSocket (docs/asyncapi.yaml); without an upgrade: 400', tags: ['info'], response: { 400: { type: 'string' } } } }, (_request, reply) => reply.code(400).type('text/plain').send('WebSocket connection required'));
      registerInfoRoutes(app, { engine, hub, version: options.version ?? '0.0.0', serveUi, catalog });
      registerTaskRoutes(app, engine);
      registerMetricsRoutes(app, { metrics, public: options.metricsPublic ?? false });
      registerBulkRoutes(app, engine);
      registerTaskDetailRoutes(app, engine, history);
      registerJobRoutes(app, engine, options.jobs);
      registerLogRoutes(app, engine);
      if (options.scheduler) registerScheduleRoutes(app, options.scheduler, engine);
      registerQueueRoutes(app, engine);
      registerStatsRoutes(app, stats);
      if (serveUi) {
        app.get('/*', { schema: { hide: true, response: { 200: { type: 'string', description: 'The UI' }, ...ERROR_RESPONSES } } }, (request, reply) => {
          if (request.url.startsWith('/api/')) return sendError(reply, 'NOT_FOUND', `No route ${request.method} ${request.url}`);
          return serveUi(request, reply);
        });
      }

      app.setNotFoundHandler((request, reply) => sendError(reply, 'NOT_FOUND', `No route ${request.method} ${request.url}`));
      app.setErrorHandler((error: Error & { validation?: any; validationContext?: string; code?: string; statusCode?: number }, request, reply) => {
        const extra = request.routeOptions.url === '/api/task/start' ? { taskId: '' } : {};
        if (error.validation) {
          return sendError(reply, 'VALIDATION_FAILED', describeValidationErrors(error.validation, error.validationContext ?? 'body'), extra);
        }
        if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
          return sendError(reply, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as JSON with Content-Type: application/json', extra);
        }
        if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, 'PAYLOAD_TOO_LARGE', 'The request body is too large', extra);
        if (error.code === FORBIDDEN_KEY_ERROR) return sendError(reply, 'VALIDATION_FAILED', error.message, extra);
        if (error.statusCode === 400) return sendError(reply, 'VALIDATION_FAILED', 'The request body is not valid JSON', extra);
        request.log.error({ err: error }, 'request failed');
        return reply.code(500).send(errorBody('INTERNAL', 'Internal server error', extra));
      });
    }),
  );

  app.addHook('preClose', async () => {
    delivery.close();
    metrics.close();
    ownerFeed.close();
    logFeed.close();
    unbridgeSchedules();
    history.close();
    unbridgeQueue();
    statsPush.close();
    if (!options.stats) stats.close(); // one passed in is its owner's to close (after the last task event)
    ws.closeAll();
    await waitUntil(() => hub.size === 0, CLOSE_HANDSHAKE_MS);
    ws.terminateAll();
  });
  return app;
}

/** Hands a request to the UI handler; fastify steps aside for it. */
function uiResponder(ui: NodeHandler): (request: FastifyRequest, reply: FastifyReply) => void {
  return (request, reply) => {
    reply.hijack();
    // Fastify writes nothing from here on: the UI's response must carry what the guard set.
    handHeadersToRaw(reply);
    ui(request.raw, reply.raw, () => {
      reply.raw.statusCode = 404;
      reply.raw.setHeader('content-type', 'application/json; charset=utf-8');
      reply.raw.end(JSON.stringify(errorBody('NOT_FOUND', `No route ${request.method} ${request.url}`)));
    });
  };
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
