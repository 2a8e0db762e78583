import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import WebSocket, { WebSocketServer } from 'ws';
import { isUsableId } from './client-id.js';
import { sendMessage, type SocketHub } from './socket-hub.js';
import type { SocketFeed } from './owner-feed.js';
import type { ResumeRequest, SessionDelivery } from './delivery/session-delivery.js';

/** Options of the `/ws` endpoint. */
export interface WsEndpointOptions {
  /** Interval of keep-alive pings; a peer that misses one is dropped. */
  keepAliveMs: number;
  /** Largest accepted frame; a bigger one closes the socket with 1009. */
  maxMessageBytes: number;
  /** Client messages other than `ping` (log subscriptions): answers whether it handled one. */
  onMessage?: (socket: WebSocket, sessionId: string, message: { type?: unknown }) => boolean;
}

/** Close code and reason sent to every socket when the server shuts down. */
export const SHUTDOWN_CLOSE = { code: 1001, reason: 'Server shutting down' } as const;

/**
 * The WebSocket side of the server: accepts upgrades on `/ws`, greets each socket with
 * `connection` and a snapshot of its session's tasks (or what it missed, see {@link SessionDelivery}), answers pings, and drops dead peers.
 */
export class WsEndpoint {
  private readonly wss: WebSocketServer;
  private readonly alive = new WeakSet<WebSocket>();
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    private readonly hub: SocketHub,
    private readonly delivery: SessionDelivery,
    private readonly log: FastifyBaseLogger,
    private readonly options: WsEndpointOptions,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, clientTracking: false });
    this.keepAlive = setInterval(() => this.sweep(), options.keepAliveMs);
    this.keepAlive.unref();
  }

  /**
   * Completes an HTTP upgrade that was already routed to `/ws` (and admitted by the access
   * guard); `onOpen` sees the socket first, before any of our listeners (rate limit, revocation).
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL, onOpen?: (ws: WebSocket) => void, feed?: SocketFeed): void {
    const requested = url.searchParams.get('sessionId') ?? url.searchParams.get('clientId');
    const sessionId = isUsableId(requested) ? requested : randomUUID();
    const resume = resumeRequest(url);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      onOpen?.(ws);
      this.accept(ws, sessionId, resume, feed);
    });
  }

  /** Closes every socket with a reason, for a graceful shutdown. */
  closeAll(code: number = SHUTDOWN_CLOSE.code, reason: string = SHUTDOWN_CLOSE.reason): void {
    clearInterval(this.keepAlive);
    for (const socket of [...this.hub.sockets()]) socket.close(code, reason);
  }

  /** Forcibly ends sockets that did not finish their closing handshake. */
  terminateAll(): void {
    for (const socket of [...this.hub.sockets()]) socket.terminate();
  }

  private accept(socket: WebSocket, sessionId: string, resume: ResumeRequest | undefined, feed?: SocketFeed): void {
    this.alive.add(socket);
    this.hub.add(feed ? feed.key : sessionId, socket);
    // After the hub's own close listener: when it runs, the hub knows whether this was the last one.
    if (!feed) socket.once('close', () => this.delivery.detach(socket, sessionId, !this.hub.has(sessionId)));
    socket.on('pong', () => this.alive.add(socket));
    socket.on('message', (data, isBinary) => this.onMessage(socket, sessionId, data, isBinary));
    socket.on('error', (error) => this.log.debug({ err: error, sessionId }, 'websocket error'));
    this.log.debug({ sessionId, connections: this.hub.size }, 'websocket connected');
    // A feed (the owner's all-tasks view) greets its sockets itself, with no session journal.
    if (feed) return feed.greet(socket);
    this.delivery.attach(socket, sessionId, resume);
  }

  /** Pings are answered; anything else, including malformed JSON and binary frames, is ignored. */
  private onMessage(socket: WebSocket, sessionId: string, data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) return;
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      this.log.debug('ignored a websocket frame that is not valid JSON');
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    if ((message as { type?: unknown }).type === 'ping') {
      const now = new Date().toISOString();
      sendMessage(socket, { type: 'pong', data: { timestamp: now }, timestamp: now });
      return;
    }
    this.options.onMessage?.(socket, sessionId, message);
  }

  /** Drops peers that did not answer the previous ping, then pings the rest. */
  private sweep(): void {
    for (const socket of [...this.hub.sockets()]) {
      if (!this.alive.has(socket)) {
        socket.terminate();
        continue;
      }
      this.alive.delete(socket);
      socket.ping();
    }
  }
}

/** `?lastSeq=N&epoch=E` from a reconnecting client, if both are present and well-formed. */
function resumeRequest(url: URL): ResumeRequest | undefined {
  const epoch = url.searchParams.get('epoch');
  const lastSeq = url.searchParams.get('lastSeq');
  if (!epoch || epoch.length > 64 || !lastSeq || !/^\d{1,15}$/.test(lastSeq)) return undefined;
  return { epoch, lastSeq: Number(lastSeq) };
}
