import type { FastifyBaseLogger } from 'fastify';
import WebSocket from 'ws';
import type { NumberedEvent, SessionEventLog, SessionStart } from '../../engine/session-event-log.js';
import { sendFrame, sendMessage, type SocketHub } from '../socket-hub.js';
import { toTaskDto } from '../task-dto.js';
import { frameOf } from './numbered-frame.js';
import type { ResumeRequest, SessionDelivery } from './session-delivery.js';

/** Close code of a socket whose missed messages are no longer kept: it reconnects and gets a snapshot. */
export const RESYNC_CLOSE = { code: 4009, reason: 'Missed messages are gone: reconnect for a snapshot' } as const;

/** Where one socket is in its session's numbering. */
interface Cursor {
  /** The last number this socket was sent (or told it starts after). */
  seq: number;
  /** Events that arrived while the socket was greeted or a gap filled: sent after, in order. */
  held: NumberedEvent[] | undefined;
}

/**
 * Delivery in a cluster: the numbers and the journal live in the backend (Redis), every node
 * hears every session's numbered events, and each socket is sent each number exactly once, in
 * order. A socket is greeted from the backend (what it missed, or a snapshot as of a number);
 * events that arrive meanwhile are held and sent after, those it already has are skipped, and a
 * gap (this node fell behind the backend's stream) is filled from the session's journal before
 * anything later is sent. So a client that reconnects to any node resumes with exactly what it
 * missed.
 */
export class ClusterDelivery implements SessionDelivery {
  private readonly sessions = new Map<string, Map<WebSocket, Cursor>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly log: SessionEventLog,
    private readonly hub: SocketHub,
    private readonly snapshotLimit: number,
    private readonly logger: FastifyBaseLogger,
  ) {
    this.unsubscribe = log.subscribe((event) => this.onEvent(event));
  }

  attach(socket: WebSocket, sessionId: string, resume: ResumeRequest | undefined): void {
    const cursor: Cursor = { seq: 0, held: [] };
    let sockets = this.sessions.get(sessionId);
    if (!sockets) this.sessions.set(sessionId, (sockets = new Map()));
    sockets.set(socket, cursor);
    this.log.open(sessionId, resume, this.snapshotLimit).then(
      (start) => this.greet(socket, sessionId, cursor, start),
      (error: unknown) => {
        this.logger.warn({ err: error, sessionId }, 'could not open a session from the cluster store');
        socket.close(1011, 'Session could not be loaded: reconnect');
      },
    );
  }

  detach(socket: WebSocket, sessionId: string): void {
    const sockets = this.sessions.get(sessionId);
    if (!sockets) return;
    sockets.delete(socket);
    if (sockets.size === 0) this.sessions.delete(sessionId);
  }

  close(): void {
    this.unsubscribe();
    this.sessions.clear();
  }

  /** Sockets on this node that watch a session. */
  watchers(sessionId: string): number {
    return this.sessions.get(sessionId)?.size ?? 0;
  }

  private greet(socket: WebSocket, sessionId: string, cursor: Cursor, start: SessionStart): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    const now = new Date().toISOString();
    const { epoch, seq } = start;
    sendMessage(socket, { type: 'connection', data: { status: 'connected', socketId: sessionId, serverTime: now, epoch, seq }, timestamp: now });
    if (start.kind === 'resume') {
      for (const event of start.missed) sendFrame(socket, frameOf(event));
      sendMessage(socket, { type: 'resumed', data: { replayed: start.missed.length, seq, epoch }, timestamp: now });
    } else {
      sendMessage(socket, { type: 'snapshot', data: { tasks: start.tasks.map(toTaskDto), seq, epoch, total: start.total, counts: start.counts }, timestamp: now });
    }
    cursor.seq = seq;
    this.release(socket, sessionId, cursor);
  }

  private onEvent(event: NumberedEvent): void {
    const sockets = this.sessions.get(event.sessionId);
    if (!sockets) return;
    let frame: Buffer | undefined;
    for (const [socket, cursor] of sockets) {
      if (cursor.held) {
        cursor.held.push(event);
        continue;
      }
      if (event.seq <= cursor.seq) continue;
      if (event.seq === cursor.seq + 1) {
        frame ??= frameOf(event);
        sendFrame(socket, frame);
        cursor.seq = event.seq;
        continue;
      }
      cursor.held = [event];
      this.fill(socket, event.sessionId, cursor, event.seq - 1);
    }
  }

  /** Sends what was held, in order, until it is all sent or a gap needs filling first. */
  private release(socket: WebSocket, sessionId: string, cursor: Cursor): void {
    const held = (cursor.held ?? []).sort((a, b) => a.seq - b.seq);
    for (let i = 0; i < held.length; i++) {
      const event = held[i]!;
      if (event.seq <= cursor.seq) continue;
      if (event.seq > cursor.seq + 1) {
        cursor.held = held.slice(i);
        return this.fill(socket, sessionId, cursor, event.seq - 1);
      }
      sendFrame(socket, frameOf(event));
      cursor.seq = event.seq;
    }
    cursor.held = undefined;
  }

  /** Fetches numbers `cursor.seq + 1`..`to` from the journal, then sends them and what is held. */
  private fill(socket: WebSocket, sessionId: string, cursor: Cursor, to: number): void {
    this.log.range(sessionId, cursor.seq + 1, to).then(
      (events) => {
        if (socket.readyState !== WebSocket.OPEN) return;
        if (!events) return socket.close(RESYNC_CLOSE.code, RESYNC_CLOSE.reason);
        cursor.held = [...events, ...(cursor.held ?? [])];
        this.release(socket, sessionId, cursor);
      },
      (error: unknown) => {
        this.logger.warn({ err: error, sessionId }, 'could not fill a gap from the cluster store');
        socket.close(RESYNC_CLOSE.code, RESYNC_CLOSE.reason);
      },
    );
  }
}
