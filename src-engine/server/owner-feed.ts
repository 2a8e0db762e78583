import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { TaskService } from '../engine/task-service.js';
import type { ServerMessage } from '../protocol/messages.js';
import { writeRawResponse } from './access/upgrade-guard.js';
import { ERROR_CATALOG } from './error-catalog.js';
import { sendMessage, type SocketHub } from './socket-hub.js';
import { isoOf, toTaskDto } from './task-dto.js';
import { encodeFrame } from './wire-frame.js';

/**
 * The hub key of the owner's all-tasks sockets. Blank, so no session can be named so: client ids
 * must not be blank (`isUsableId`), and sockets asking for one get a fresh UUID.
 */
export const ALL_TASKS_KEY = '';

/** A group of sockets that a {@link WsEndpoint} greets through the feed rather than with a session's snapshot. */
export interface SocketFeed {
  /** The hub key its sockets are registered under. */
  readonly key: string;
  /** Sends a new socket its greeting (`connection`, then a `snapshot`), synchronously. */
  greet(socket: WebSocket): void;
}

/**
 * Every session's task messages, for the owner's "All tasks" view (`/ws?scope=all`, owner only:
 * the access check is the caller's). A socket gets `connection` and a `snapshot` of the newest
 * tasks of all sessions, then `taskQueued`, `taskProgress` and `tasksDeleted` of every session,
 * numbered by one sequence of its own (`seq`, under this feed's `epoch`), so the page applies
 * them in order as it does a session's. Nothing is kept for replay: a reconnecting owner gets a
 * fresh snapshot. While no owner socket is open, engine events cost one Map lookup.
 */
export class OwnerFeed implements SocketFeed {
  readonly key = ALL_TASKS_KEY;
  /** Names this feed's numbering (a fresh one per server run). */
  readonly epoch = `${randomUUID()}.all`;
  private seq = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly engine: TaskService,
    private readonly hub: SocketHub,
    private readonly snapshotLimit: number,
  ) {
    this.unsubscribe = engine.subscribe((event) => {
      if (!this.hub.has(ALL_TASKS_KEY)) return;
      const timestamp = isoOf(Date.now());
      if (event.type === 'tasksDeleted') this.publish({ type: 'tasksDeleted', data: { ids: [...event.ids] }, timestamp });
      else this.publish({ type: event.type === 'taskQueued' ? 'taskQueued' : 'taskProgress', data: toTaskDto(event.task), timestamp });
    });
  }

  greet(socket: WebSocket): void {
    const now = new Date().toISOString();
    const { epoch, seq } = this;
    sendMessage(socket, { type: 'connection', data: { status: 'connected', socketId: ALL_TASKS_SOCKET_ID, serverTime: now, epoch, seq }, timestamp: now });
    const { items, total, counts } = this.engine.list({ limit: this.snapshotLimit });
    sendMessage(socket, { type: 'snapshot', data: { tasks: items.map(toTaskDto), seq, epoch, total, counts }, timestamp: now });
  }

  /** Stops listening to the engine. */
  close(): void {
    this.unsubscribe();
  }

  private publish(message: ServerMessage): void {
    const seq = ++this.seq;
    const json = JSON.stringify(message);
    this.hub.publish(ALL_TASKS_KEY, message, encodeFrame(`${json.slice(0, -1)},"seq":${seq}}`));
  }
}

/** The `socketId` an all-tasks socket is told: it belongs to no session. */
export const ALL_TASKS_SOCKET_ID = 'all-tasks';

/** Answers `/ws?scope=all` from anyone but the owner: 403 OWNER_ONLY on the raw socket. */
export function refuseAllScope(socket: Duplex): void {
  writeRawResponse(socket, ERROR_CATALOG.OWNER_ONLY, { code: 'OWNER_ONLY', message: 'Only the owner (on this machine, or with the API token) may watch every session' });
}
