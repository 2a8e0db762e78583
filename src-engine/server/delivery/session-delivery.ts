import type WebSocket from 'ws';

/** `?lastSeq=N&epoch=E` of a reconnecting client. */
export interface ResumeRequest {
  readonly epoch: string;
  readonly lastSeq: number;
}

/**
 * How a session's sockets get their messages: the greeting (`connection`, then a replay or a
 * snapshot) and, after it, every numbered message of the session in order. One process numbers
 * them itself ({@link LocalDelivery}); a cluster takes the numbers from Redis, so that a client
 * can resume on any node ({@link ClusterDelivery}).
 */
export interface SessionDelivery {
  /** A socket of a session opened (already registered with the hub): greet it, then stream to it. */
  attach(socket: WebSocket, sessionId: string, resume: ResumeRequest | undefined): void;
  /** A socket closed; `last` when it was its session's last one on this server. */
  detach(socket: WebSocket, sessionId: string, last: boolean): void;
  /** Stops listening to the engine. */
  close(): void;
}
