import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TaskEngine } from '../../engine/task-engine.js';
import { ownerFromRequest } from '../client-id.js';
import { sendError } from '../error-catalog.js';

/** Seconds a session over its cap is told to wait: tasks leave the queue as workers pick them. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The per-session cap on queued tasks, so one session cannot fill the shared queue for everyone.
 * Queued tasks are counted per session from the engine's events (not by scanning every task on
 * each submission), plus submissions in flight, so concurrent requests cannot overshoot the cap.
 */
export class SessionQueueCounter {
  private readonly queued = new Map<string, string>(); // task id → session
  private readonly perSession = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private readonly unsubscribe: () => void;

  constructor(private readonly engine: TaskEngine) {
    this.resync();
    this.unsubscribe = engine.subscribe((event) => {
      if (event.type === 'tasksDeleted') {
        for (const id of event.ids) this.leave(id);
      } else if (event.type === 'taskQueued' || event.stateChanged) {
        if (event.task.state === 'queued') this.enter(event.task.id, event.task.clientId);
        else this.leave(event.task.id);
      }
    });
  }

  /** Tasks the session has queued plus its submissions in flight. */
  count(session: string): number {
    // Tasks recovered from the store at start are queued without an event: when the engine's
    // own count disagrees with ours, count again (rare, and O(tasks) only then).
    if (this.engine.queuedCount !== this.queued.size) this.resync();
    return (this.perSession.get(session) ?? 0) + (this.inFlight.get(session) ?? 0);
  }

  /** Holds a place for a submission in flight; answers the release (call it once, when the request ends). */
  reserve(session: string): () => void {
    this.inFlight.set(session, (this.inFlight.get(session) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(session) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(session);
      else this.inFlight.set(session, left);
    };
  }

  /** Stops following the engine. */
  close(): void {
    this.unsubscribe();
  }

  private resync(): void {
    this.queued.clear();
    this.perSession.clear();
    for (const task of this.engine.list({ state: 'queued' }).items) this.enter(task.id, task.clientId);
  }

  private enter(id: string, session: string): void {
    if (this.queued.has(id)) return;
    this.queued.set(id, session);
    this.perSession.set(session, (this.perSession.get(session) ?? 0) + 1);
  }

  private leave(id: string): void {
    const session = this.queued.get(id);
    if (session === undefined) return;
    this.queued.delete(id);
    const left = (this.perSession.get(session) ?? 1) - 1;
    if (left <= 0) this.perSession.delete(session);
    else this.perSession.set(session, left);
  }
}

/**
 * Refuses, with 429 SESSION_QUEUE_FULL and Retry-After, a submission (`POST /api/task/start`) or
 * a retry (`POST /api/tasks/:id/retry`) that would put more than `max` tasks of one session in
 * the queue. Runs as a preHandler: after the body is parsed and validated, before the route.
 */
export function installSessionQueueLimit(app: FastifyInstance, engine: TaskEngine, max: number): SessionQueueCounter {
  const counter = new SessionQueueCounter(engine);
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method !== 'POST') return done();
    const session = sessionOf(request, engine);
    if (session === undefined) return done();
    if (counter.count(session) >= max) return void refuse(request, reply, max);
    const release = counter.reserve(session);
    // 'close' fires once the response is sent or the client went away: either way the place is free.
    reply.raw.once('close', release);
    done();
  });
  app.addHook('onClose', (_instance, done) => {
    counter.close();
    done();
  });
  return counter;
}

/** The session a queueing request would add a task to, if it is one. */
function sessionOf(request: FastifyRequest, engine: TaskEngine): string | undefined {
  const route = request.routeOptions.url;
  if (route === '/api/task/start') {
    const body = request.body as { clientId?: unknown } | undefined;
    // The route will pick the same owner; without any id it is a fresh session with nothing queued.
    return ownerFromRequest(body?.clientId, request.headers);
  }
  if (route === '/api/tasks/:id/retry') {
    const id = (request.params as { id?: string }).id;
    return id === undefined ? undefined : engine.get(id)?.clientId;
  }
  return undefined;
}

function refuse(request: FastifyRequest, reply: FastifyReply, max: number): FastifyReply {
  request.log.warn({ code: 'SESSION_QUEUE_FULL', max }, 'refused a task: the session has too many queued tasks');
  reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
  const extra = request.routeOptions.url === '/api/task/start' ? { taskId: '' } : {};
  return sendError(reply, 'SESSION_QUEUE_FULL', `This session already has ${max} tasks waiting in the queue: wait for some to start, or cancel some`, extra);
}
