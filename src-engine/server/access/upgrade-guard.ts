import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type WebSocket from 'ws';
import { ERROR_CATALOG, errorBody } from '../error-catalog.js';
import type { AccessControl, Principal, Refusal } from './access-control.js';
import { rawSecurityHeaderLines } from './security-headers.js';
import type { ServerLimits } from './server-limits.js';
import { TokenBucket } from './token-bucket.js';

/** Close sent to a socket that sends faster than its rate. */
export const RATE_LIMIT_CLOSE = { code: 1008, reason: 'rate limit' } as const;
/** Close sent to a socket whose message is larger than the limit (ws sends the code, we add the reason). */
export const TOO_BIG_CLOSE = { code: 1009, reason: 'Message too big' } as const;
/** Close sent to the sockets of a device when the owner revokes it. */
export const REVOKED_CLOSE = { code: 1008, reason: 'Device revoked' } as const;

/** Time a socket that was closed for a breach gets to finish the closing handshake before it is cut. */
const CLOSE_GRACE_MS = 1000;

/** An admitted upgrade: hand `onOpen` the WebSocket once the handshake is done. */
export interface AdmittedUpgrade {
  readonly principal: Principal;
  onOpen(socket: WebSocket): void;
}

/**
 * The WebSocket side of the access policy. An upgrade passes the same checks as an HTTP request
 * (Host, Origin, credentials) and the connection limit, or is answered with a plain HTTP error on
 * the raw socket before any WebSocket exists. Once open, each socket is held to its message rate,
 * and sockets of a revoked device are closed.
 */
export class UpgradeGuard {
  private open = 0;
  private readonly byDevice = new Map<string, Set<WebSocket>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly access: AccessControl,
    private readonly limits: Pick<ServerLimits, 'maxConnections' | 'messagesPerSecond' | 'messageBurst'>,
    private readonly log: FastifyBaseLogger,
  ) {
    this.unsubscribe = access.devices.onRevoked((deviceId) => this.closeDevice(deviceId));
  }

  /** Upgrades admitted and not yet closed (open sockets plus handshakes in progress). */
  get connections(): number {
    return this.open;
  }

  /**
   * Checks an upgrade request; answers the admission, or undefined after writing the refusal
   * (401/403/429/503) to the socket and closing it.
   */
  admit(request: IncomingMessage, socket: Duplex): AdmittedUpgrade | undefined {
    const info = {
      remoteAddress: request.socket.remoteAddress,
      localPort: request.socket.localPort,
      encrypted: 'encrypted' in request.socket && request.socket.encrypted === true,
      headers: request.headers,
    };
    const boundary = this.access.checkBoundary(info);
    if (boundary) return this.refuse(request, socket, boundary);
    const verdict = this.access.authenticate(info);
    if (!verdict.ok) return this.refuse(request, socket, verdict.refusal, verdict.setCookie);
    if (this.open >= this.limits.maxConnections) {
      return this.refuse(request, socket, { code: 'TOO_MANY_CONNECTIONS', message: 'The server has too many open connections: try again later', retryAfterSeconds: 5 });
    }
    // Counted from admission to the TCP close, so handshakes in flight count too and the cap holds.
    this.open++;
    socket.once('close', () => this.open--);
    const principal = verdict.principal;
    return { principal, onOpen: (ws) => this.watch(ws, principal) };
  }

  /** Stops hearing revocations. */
  close(): void {
    this.unsubscribe();
  }

  private watch(ws: WebSocket, principal: Principal): void {
    // ws closes an oversized message with 1009 but no reason; give the peer one it can show.
    const close = ws.close.bind(ws);
    ws.close = (code?: number, reason?: string | Buffer) => close(code, reason ?? (code === TOO_BIG_CLOSE.code ? TOO_BIG_CLOSE.reason : undefined));
    ws.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.log.warn({ code: 'MESSAGE_TOO_BIG' }, 'closed a websocket: message larger than the limit');
      else this.log.info({ err: error }, 'closed a websocket: protocol error');
    });
    const bucket = new TokenBucket(this.limits.messagesPerSecond, this.limits.messageBurst);
    // Registered before the endpoint's own listener, so an over-rate message is stopped first.
    ws.on('message', () => {
      if (bucket.take() || ws.readyState !== ws.OPEN) return;
      this.log.warn({ code: 'RATE_LIMIT' }, 'closed a websocket: too many messages');
      this.closeForBreach(ws, RATE_LIMIT_CLOSE);
    });
    if (principal.kind === 'device') {
      let sockets = this.byDevice.get(principal.deviceId);
      if (!sockets) this.byDevice.set(principal.deviceId, (sockets = new Set()));
      sockets.add(ws);
      ws.once('close', () => {
        sockets.delete(ws);
        if (sockets.size === 0 && this.byDevice.get(principal.deviceId) === sockets) this.byDevice.delete(principal.deviceId);
      });
    }
  }

  private closeDevice(deviceId: string): void {
    const sockets = this.byDevice.get(deviceId);
    if (!sockets) return;
    this.byDevice.delete(deviceId);
    for (const ws of sockets) this.closeForBreach(ws, REVOKED_CLOSE);
  }

  /** Closes with a reason, and cuts the socket if the peer does not finish the handshake soon. */
  private closeForBreach(ws: WebSocket, close: { code: number; reason: string }): void {
    ws.close(close.code, close.reason);
    setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  private refuse(request: IncomingMessage, socket: Duplex, refusal: Refusal, setCookie?: string): undefined {
    const status = ERROR_CATALOG[refusal.code];
    const level = refusal.code === 'TOO_MANY_ATTEMPTS' ? 'info' : 'warn';
    this.log[level]({ code: refusal.code, remoteAddress: request.socket.remoteAddress, url: '/ws' }, `refused a websocket: ${refusal.message}`);
    writeRawResponse(socket, status, refusal, setCookie);
    return undefined;
  }
}

/** Writes a complete HTTP error response on a socket that never became a WebSocket, then closes it. */
export function writeRawResponse(socket: Duplex, status: number, refusal: Refusal, setCookie?: string): void {
  const body = JSON.stringify(errorBody(refusal.code, refusal.message));
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...rawSecurityHeaderLines(),
  ];
  if (refusal.retryAfterSeconds !== undefined) lines.push(`Retry-After: ${refusal.retryAfterSeconds}`);
  if (status === 401) lines.push('WWW-Authenticate: Bearer realm="task-monitor"');
  if (setCookie) lines.push(`Set-Cookie: ${setCookie}`);
  if (!socket.writable) return void socket.destroy();
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  // A peer that never reads must not keep the socket: end() waits for the write to drain.
  setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};
