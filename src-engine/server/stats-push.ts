import WebSocket from 'ws';
import type { StatsRollups } from '../metrics/stats-rollups.js';
import type { StatsTickMessage } from '../protocol/messages.js';
import { sendFrame } from './socket-hub.js';

/**
 * Pushes the current minute's stats (`statsTick`) to the owner's sockets every few seconds, so
 * open charts move without polling. Other sockets never get it: stats span every session. Idle
 * (no timer) while no owner socket is open.
 */
export class StatsPush {
  private readonly sockets = new Set<WebSocket>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stats: StatsRollups,
    private readonly intervalMs = 5_000,
  ) {}

  /** Starts pushing to an owner's socket; it leaves by itself when it closes. */
  add(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Stops pushing (server shutdown). */
  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.sockets.clear();
  }

  private tick(): void {
    if (this.sockets.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const now = new Date().toISOString();
    const message: StatsTickMessage = { type: 'statsTick', data: this.stats.currentPoint(), timestamp: now };
    const frame = Buffer.from(JSON.stringify(message)); // serialised once for every owner socket
    for (const socket of this.sockets) if (socket.readyState === WebSocket.OPEN) sendFrame(socket, frame);
  }
}
