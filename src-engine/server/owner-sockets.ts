import type WebSocket from 'ws';
import type { ServerMessage } from '../protocol/messages.js';
import { sendFrame } from './socket-hub.js';

/**
 * The sockets of the owner (admitted over loopback or with the API token), whatever their
 * session: owner-only news (schedules, queue control) goes to them and to nobody else.
 */
export class OwnerSockets {
  private readonly sockets = new Set<WebSocket>();

  /** Adds a socket; it leaves by itself when it closes. */
  add(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  get size(): number {
    return this.sockets.size;
  }

  /** Sends one message to every owner socket, serialised once. */
  broadcast(message: ServerMessage): void {
    if (this.sockets.size === 0) return;
    const frame = Buffer.from(JSON.stringify(message));
    for (const socket of this.sockets) sendFrame(socket, frame);
  }
}
