import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { NumberedEvent } from '../../engine/session-event-log.js';
import type { TaskRecord } from '../../engine/task-record.js';
import type { TaskLogLine } from '../../protocol/messages.js';
import { ClusterKeys } from './cluster-keys.js';
import { COMMIT_TASK, DELETE_TASKS, LOAD_ALL, OPEN_SESSION, TAKE_KIND_SLOT } from './cluster-scripts.js';
import { decodeEvent, encodeEvent, type StoredEvent, type StoredTask } from './stored-event.js';

/** Options of {@link ClusterStore}. */
export interface ClusterStoreOptions {
  /** `redis://host:port[/db]`. */
  url: string;
  /** Key prefix. Default `tm`. */
  prefix?: string;
  /** Events kept per session for a reconnecting client (the replay journal). Default 1000. */
  journalLength?: number;
  /** Events kept in the stream every node follows. Default 100,000. */
  eventsLength?: number;
  /** A session's numbering and journal are forgotten after this long without a message. Default 7 days. */
  sessionTtlSeconds?: number;
}

/** The outcome of a guarded write: written (with its number), or refused with what is stored. */
export type CommitOutcome = { readonly ok: true; readonly seq: number; readonly epoch: string } | { readonly ok: false; readonly stored: StoredTask | undefined };

/** Guard of a write: the states the stored task must be in, or `absent` (a new task). */
export type CommitGuard = readonly TaskRecord['state'][] | 'absent' | 'any';

/**
 * The cluster's state in Redis: tasks, each session's numbering and journal, the events stream
 * every node follows, log lines, and cancellation requests. Every write of a task goes through
 * one atomic script (see cluster-scripts.ts).
 */
export class ClusterStore {
  readonly keys: ClusterKeys;
  readonly redis: Redis;
  readonly url: string;
  private readonly journalLength: number;
  private readonly eventsLength: number;
  private readonly sessionTtl: number;
  /** Every connection {@link connect} made, ended by {@link close}. */
  private readonly connections = new Set<Redis>();

  constructor(options: ClusterStoreOptions) {
    this.url = options.url;
    this.keys = new ClusterKeys(options.prefix ?? 'tm');
    this.journalLength = options.journalLength ?? 1000;
    this.eventsLength = options.eventsLength ?? 100_000;
    this.sessionTtl = options.sessionTtlSeconds ?? 7 * 24 * 3600;
    this.redis = this.connect();
  }

  /**
   * A new connection to the same Redis (blocking reads, subscriptions and BullMQ's queues and
   * workers need their own). The store owns it: {@link close} ends it, as BullMQ does not end a
   * connection it was handed.
   */
  connect(): Redis {
    // Commands wait while Redis restarts (ioredis queues them and reconnects) rather than fail at once.
    const connection = new Redis(this.url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
    // Without a listener ioredis prints every failed reconnect; being away is reported where it matters (refused writes, /health).
    connection.on('error', () => undefined);
    this.connections.add(connection);
    return connection;
  }

  /** Writes a task if the guard allows, numbering the event in its session. */
  async commit(task: StoredTask, event: StoredEvent, guard: CommitGuard, time: number): Promise<CommitOutcome> {
    const k = this.keys;
    const final = task.state === 'completed' || task.state === 'failed' || task.state === 'cancelled';
    const guardText = guard === 'absent' ? '!' : guard === 'any' ? '' : guard.join(',');
    const reply = (await this.redis.eval(
      COMMIT_TASK, 6, k.tasks, k.session(task.clientId), k.sessionTasks(task.clientId), k.journal(task.clientId), k.events, k.finished,
      task.id, JSON.stringify(task), encodeEvent(event), task.clientId, String(time), randomUUID(), String(this.journalLength), String(this.eventsLength), guardText, String(this.sessionTtl), final ? '1' : '0',
    )) as [number, number | string | null, string?];
    if (reply[0] === 1) return { ok: true, seq: Number(reply[1]), epoch: String(reply[2]) };
    return { ok: false, stored: typeof reply[1] === 'string' ? (JSON.parse(reply[1]) as StoredTask) : undefined };
  }

  /** Deletes those of a session's tasks that are in an allowed state; answers the ids deleted. */
  async delete(sessionId: string, ids: readonly string[], allowed: readonly TaskRecord['state'][], time: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const k = this.keys;
    const reply = (await this.redis.eval(
      DELETE_TASKS, 6, k.tasks, k.session(sessionId), k.sessionTasks(sessionId), k.journal(sessionId), k.events, k.finished,
      sessionId, String(time), randomUUID(), String(this.journalLength), String(this.eventsLength), allowed.join(','), String(this.sessionTtl), ...ids,
    )) as (number | string)[];
    return reply[0] === 0 ? [] : (reply.slice(1) as string[]);
  }

  /** One stored task. */
  async task(id: string): Promise<StoredTask | undefined> {
    const json = await this.redis.hget(this.keys.tasks, id);
    return json ? (JSON.parse(json) as StoredTask) : undefined;
  }

  /** Every stored task, and the events-stream id to follow from. */
  async loadAll(): Promise<{ tasks: StoredTask[]; lastEventId: string }> {
    const [lastEventId, values] = (await this.redis.eval(LOAD_ALL, 2, this.keys.tasks, this.keys.events)) as [string, string[]];
    return { lastEventId, tasks: values.map((json) => JSON.parse(json) as StoredTask) };
  }

  /** Where a socket opening for a session starts (see OPEN_SESSION). */
  async openSession(sessionId: string, resume: { epoch: string; lastSeq: number } | undefined): Promise<
    { kind: 'resume'; seq: number; epoch: string; missed: NumberedEvent[] } | { kind: 'snapshot'; seq: number; epoch: string; tasks: StoredTask[] }
  > {
    const k = this.keys;
    const reply = (await this.redis.eval(
      OPEN_SESSION, 4, k.session(sessionId), k.sessionTasks(sessionId), k.tasks, k.journal(sessionId),
      randomUUID(), resume?.epoch ?? '', String(resume?.lastSeq ?? -1), String(this.sessionTtl),
    )) as [string, number, string, unknown[]];
    const [kind, seq, epoch, body] = reply;
    if (kind === 'resume') return { kind, seq: Number(seq), epoch, missed: (body as [string, string[]][]).map((entry) => journalEntry(sessionId, entry)) };
    return { kind: 'snapshot', seq: Number(seq), epoch, tasks: (body as string[]).map((json) => JSON.parse(json) as StoredTask) };
  }

  /** A session's events `from`..`to`, if the journal still holds every one of them. */
  async range(sessionId: string, from: number, to: number): Promise<NumberedEvent[] | undefined> {
    if (to < from) return [];
    const entries = (await this.redis.xrange(this.keys.journal(sessionId), `${from}-1`, `${to}-1`)) as [string, string[]][];
    const events = entries.map((entry) => journalEntry(sessionId, entry));
    if (events.length !== to - from + 1 || events[0]?.seq !== from) return undefined;
    return events;
  }

  /**
   * Takes (or renews) a run slot of a kind with a `concurrency` or `rateLimit` of its own, for the
   * whole cluster; answers how long to wait when there is none.
   */
  async takeKindSlot(kind: string, taskId: string, limits: { concurrency?: number; rateLimit?: { max: number; perMs: number } }, leaseMs: number, now: number): Promise<{ ok: true } | { ok: false; waitMs: number; reason: string }> {
    const reply = (await this.redis.eval(
      TAKE_KIND_SLOT, 2, this.keys.kindRunning(kind), this.keys.kindStarts(kind),
      taskId, String(now), String(now + leaseMs), String(limits.concurrency ?? 0), String(limits.rateLimit?.max ?? 0), String(limits.rateLimit?.perMs ?? 0),
    )) as [number, number?, string?];
    if (reply[0] === 1) return { ok: true };
    const waitMs = Number(reply[1] ?? 500);
    return { ok: false, waitMs, reason: reply[2] === 'rate' ? `rate limit: next slot in ${Math.ceil(waitMs / 1000)} s` : `job limit ${limits.concurrency} reached` };
  }

  /** Renews a held kind slot (a long task keeps its place). */
  async renewKindSlot(kind: string, taskId: string, leaseMs: number, now: number): Promise<void> {
    await this.redis.zadd(this.keys.kindRunning(kind), 'XX', String(now + leaseMs), taskId);
  }

  /** Frees a kind slot at the end of a run. */
  async releaseKindSlot(kind: string, taskId: string): Promise<void> {
    await this.redis.zrem(this.keys.kindRunning(kind), taskId);
  }

  /** Asks the worker running a task to cancel it (and any worker about to start it). */
  async requestCancel(taskId: string): Promise<void> {
    await this.redis.set(this.keys.cancelRequest(taskId), '1', 'EX', 24 * 3600);
    await this.redis.publish(this.keys.cancelChannel, taskId);
  }

  /** Whether cancellation of a task was asked for. */
  async cancelRequested(taskId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.cancelRequest(taskId))) === 1;
  }

  /** Keeps a task's log line (the newest `keep`) and tells every node. */
  async appendLog(task: Pick<TaskRecord, 'id' | 'clientId'>, line: TaskLogLine, keep: number): Promise<void> {
    const json = JSON.stringify(line);
    await this.redis
      .multi()
      .rpush(this.keys.log(task.id), json)
      .ltrim(this.keys.log(task.id), -keep, -1)
      .xadd(this.keys.events, 'MAXLEN', '~', String(this.eventsLength), '*', 's', task.clientId, 'n', '0', 'e', JSON.stringify({ type: 'taskLog', taskId: task.id, line }), 't', String(Date.now()))
      .exec();
  }

  /** A task's kept log lines, oldest first. */
  async logLines(taskId: string): Promise<TaskLogLine[]> {
    return (await this.redis.lrange(this.keys.log(taskId), 0, -1)).map((json) => JSON.parse(json) as TaskLogLine);
  }

  /** The oldest final tasks beyond `keep`, by session (retention). */
  async overRetention(keep: number): Promise<string[]> {
    const count = await this.redis.zcard(this.keys.finished);
    if (count <= keep) return [];
    return this.redis.zrange(this.keys.finished, 0, count - keep - 1);
  }

  /** Closes every connection it made (after their users have stopped: see the launchers). */
  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
    for (const connection of this.connections) connection.disconnect();
    this.connections.clear();
  }
}

function journalEntry(sessionId: string, [id, fields]: [string, string[]]): NumberedEvent {
  const seq = Number(id.slice(0, id.indexOf('-')));
  return decodeEvent(sessionId, seq, fieldsOf(fields));
}

/** Stream fields `[k1, v1, k2, v2, ...]` as an object. */
export function fieldsOf(fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
  return out;
}
