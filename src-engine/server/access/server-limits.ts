import type { ServerOptions as HttpServerOptions } from 'node:http';

/**
 * Every resource limit of the server. Each breach gets a specific answer (an HTTP status with a
 * catalog code, or a WebSocket close code with a reason), is logged, and leaves everyone else
 * served. All are options of buildServer/startTaskMonitor so tests can make them tiny.
 */
export interface ServerLimits {
  /** Open WebSockets at most; the next upgrade gets 503 with Retry-After. */
  maxConnections: number;
  /**
   * Bytes that may wait for one socket that reads too slowly (after coalescing progress ticks);
   * beyond, it is closed with 4008 "Too slow: reconnect with lastSeq to resume".
   */
  maxOutboxBytes: number;
  /** Sustained messages per second one WebSocket may send... */
  messagesPerSecond: number;
  /** ...with bursts up to this many; beyond, the socket is closed with 1008 "rate limit". */
  messageBurst: number;
  /** Tasks one session may have queued at once; the next submission gets 429. */
  maxQueuedPerSession: number;
  /** Time a client gets to send its request headers (slowloris), in ms; then 408 and close. */
  headersTimeoutMs: number;
  /** Time a client gets to send a whole request, body included, in ms; then 408 and close. */
  requestTimeoutMs: number;
  /** Failed credential attempts (bad pairing code, bad token) per address per window... */
  maxAuthFailures: number;
  /** ...in this window, in ms; beyond, 429 with Retry-After until the window ends. */
  authFailureWindowMs: number;
}

/** The defaults: generous for people and scripts, small enough that no one client can hog the server. */
export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxConnections: 2000,
  maxOutboxBytes: 16 * 1024 * 1024,
  messagesPerSecond: 20,
  messageBurst: 40,
  maxQueuedPerSession: 200,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxAuthFailures: 10,
  authFailureWindowMs: 60_000,
});

/** Highest `maxConnections` the launcher accepts (`--max-connections`). */
export const MAX_CONNECTIONS_LIMIT = 1_000_000;

/** Largest WebSocket message accepted by default (bytes); a bigger one closes the socket with 1009. */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024;

/** Fills in the defaults. */
export function resolveLimits(limits: Partial<ServerLimits> = {}): ServerLimits {
  const resolved = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(limits) as Array<[keyof ServerLimits, number | undefined]>) {
    if (value !== undefined) resolved[key] = value;
  }
  return resolved;
}

/**
 * Node's HTTP server settings for the timeouts. Fastify's default request timeout is 0
 * (none), which lets a client trickle a body forever; Node's default checks timeouts only every
 * 30 s, which lets a slowloris client linger long after its deadline.
 */
export function httpTimeouts(limits: ServerLimits): { requestTimeout: number; http: HttpServerOptions } {
  const requestTimeout = Math.max(1, limits.requestTimeoutMs);
  const headersTimeout = Math.min(Math.max(1, limits.headersTimeoutMs), requestTimeout); // Node refuses headers > request
  return {
    requestTimeout,
    http: {
      requestTimeout,
      headersTimeout,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 2))),
    },
  };
}
