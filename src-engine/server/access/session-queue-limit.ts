import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { TaskService } from '../../engine/task-service.js';
import { KeyCounts } from '../../engine/key-counts.js';
import { ownerFromRequest } from '../client-id.js';
import { sendError } from '../error-catalog.js';
import { addRoutePreHandler } from './route-hooks.js';

/** The routes that queue a task. */
const START_PATH = '/api/task/start';
const RETRY_PATH = '/api/tasks/:id/retry';

/** Seconds a session over its cap is told to wait: tasks leave the queue as workers pick them. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The per-session cap on queued tasks, so one session cannot fill the shared queue for everyone.
 * The engine counts each session's queued tasks (O(1), recovered tasks included); this adds the
 * submissions still in flight, so concurrent requests cannot overshoot the cap.
 */
export class SessionQueueCounter {
  private readonly inFlight = new KeyCounts();
  /**
   * One listener for every response (it reads its session off the response), added with `on`:
   * 'close' fires once per response, so `once`'s wrapper and its removal are not needed, and no
   * closure is made per request.
   */
  private readonly onClose: (this: Holding) => void;

  constructor(private readonly engine: TaskService) {
    const counter = this;
    this.onClose = function (this: Holding) {
      counter.release(this);
    };
  }

  /** Tasks the session has queued plus its submissions in flight. */
  count(session: string): number {
    return this.engine.queuedFor(session) + this.inFlight.get(session);
  }

  /**
   * Holds a place for a submission in flight until its response closes ('close' fires once the
   * response is sent or the client went away: either way the place is free).
   */
  reserveUntilClosed(session: string, response: ServerResponse): void {
    this.inFlight.add(session, 1);
    (response as Holding)[HELD] = session;
    response.on('close', this.onClose);
  }

  /** Gives back the place a response holds, once (later calls do nothing). */
  release(response: ServerResponse): void {
    const holding = response as Holding;
    const session = holding[HELD];
    if (session === undefined) return;
    holding[HELD] = undefined;
    this.inFlight.add(session, -1);
  }
}

/** The session whose place a response holds, module-private (no map entry per request). */
const HELD = Symbol('session queue place');
type Holding = ServerResponse & { [HELD]?: string | undefined };

/**
 * Refuses, with 429 SESSION_QUEUE_FULL and Retry-After, a submission (`POST /api/task/start`) or
 * a retry (`POST /api/tasks/:id/retry`) that would put more than `max` tasks of one session in
 * the queue. Runs as a preHandler of those two routes: after the body is parsed and validated,
 * before the route. Call it before the routes are registered.
 */
export function installSessionQueueLimit(app: FastifyInstance, engine: TaskService, max: number): SessionQueueCounter {
  const counter = new SessionQueueCounter(engine);
  const limit = (sessionOf: (request: FastifyRequest) => string | undefined): preHandlerHookHandler => (request, reply, done) => {
    if (request.method !== 'POST') return done();
    const session = sessionOf(request);
    if (session === undefined) return done();
    if (counter.count(session) >= max) return void refuse(request, reply, max);
    counter.reserveUntilClosed(session, reply.raw);
    done();
  };
  // Route by route (see addRoutePreHandler): the session a queueing request would add a task to.
  addRoutePreHandler(app, (method, url) => method === 'POST' && url === START_PATH, limit((request) => {
    const body = request.body as { clientId?: unknown } | undefined;
    // The route will pick the same owner; without any id it is a fresh session with nothing queued.
    return ownerFromRequest(body?.clientId, request.headers);
  }));
  addRoutePreHandler(app, (method, url) => method === 'POST' && url === RETRY_PATH, limit((request) => {
    const id = (request.params as { id?: string }).id;
    return id === undefined ? undefined : engine.get(id)?.clientId;
  }));
  return counter;
}

function refuse(request: FastifyRequest, reply: FastifyReply, max: number): FastifyReply {
  request.log.warn({ code: 'SESSION_QUEUE_FULL', max }, 'refused a task: the session has too many queued tasks');
  reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
  const extra = request.routeOptions.url === START_PATH ? { taskId: '' } : {};
  return sendError(reply, 'SESSION_QUEUE_FULL', `This session already has ${max} tasks waiting in the queue: wait for some to start, or cancel some`, extra);
}
