import WebSocket from 'ws';
import type { ServerMessage } from '../protocol/messages.js';

/**
 * Which sockets belong to which session (client id). Several sockets may share an id (tabs of
 * one browser session) and all of them hear that id's messages; nobody else does.
 */
export class SocketHub {
  private readonly bySession = new Map<string, Set<WebSocket>>();
  private total = 0;

  /** Open sockets across all sessions. */
  get size(): number {
    return this.total;
  }

  /** Registers a socket under its session; it leaves by itself when it closes. */
  add(sessionId: string, socket: WebSocket): void {
    let sockets = this.bySession.get(sessionId);
    if (!sockets) this.bySession.set(sessionId, (sockets = new Set()));
    sockets.add(socket);
    this.total++;
    socket.once('close', () => this.remove(sessionId, socket));
  }

  /**
   * Sends one message to every socket of a session. It is serialised once, however many
   * sockets there are: the string is shared, not rebuilt per socket.
   */
  publish(sessionId: string, message: ServerMessage): void {
    const sockets = this.bySession.get(sessionId);
    if (!sockets) return;
    const frame = JSON.stringify(message);
    for (const socket of sockets) sendFrame(socket, frame);
  }

  /** Every open socket, for keep-alive sweeps and shutdown. */
  *sockets(): IterableIterator<WebSocket> {
    for (const sockets of this.bySession.values()) yield* sockets;
  }

  private remove(sessionId: string, socket: WebSocket): void {
    const sockets = this.bySession.get(sessionId);
    if (!sockets?.delete(socket)) return;
    this.total--;
    if (sockets.size === 0) this.bySession.delete(sessionId);
  }
}

/** Sends a pre-serialised frame to one socket if it is still open. */
export function sendFrame(socket: WebSocket, frame: string): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(frame);
}

/** Serialises and sends one message to one socket. */
export function sendMessage(socket: WebSocket, message: ServerMessage): void {
  sendFrame(socket, JSON.stringify(message));
}
