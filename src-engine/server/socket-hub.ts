import WebSocket from 'ws';
import type { ServerMessage, TaskState } from '../protocol/messages.js';
import { newDeliveryStats, type DeliveryStats } from '../metrics/delivery-stats.js';
import { OutboxFlusher, SocketOutbox, type OutboxLimits } from './socket-outbox.js';
import { encodeFrame, rawStreamOf, wireOf } from './wire-frame.js';

/**
 * Which sockets belong to which session (client id). Several sockets may share an id (tabs of
 * one browser session) and all of them hear that id's messages; nobody else does.
 */
export class SocketHub {
  /** Each socket's outbox, by session: publishing walks them with no per-socket lookup. */
  private readonly bySession = new Map<string, Map<WebSocket, SocketOutbox>>();
  /** Last state sent per unfinished task, per session with sockets: tells a progress tick from a state change. */
  private readonly taskStates = new Map<string, Map<string, TaskState>>();
  private readonly flusher = new OutboxFlusher();
  private total = 0;
  /** Frames sent, coalesced, dropped and delayed across this hub's sockets (metrics). */
  readonly delivery: DeliveryStats = newDeliveryStats();

  constructor(private readonly outboxLimits?: OutboxLimits) {}

  /** Open sockets across all sessions. */
  get size(): number {
    return this.total;
  }

  /** Whether a session has a socket open. */
  has(sessionId: string): boolean {
    return this.bySession.has(sessionId);
  }

  /** Registers a socket under its session; it leaves by itself when it closes. */
  add(sessionId: string, socket: WebSocket): void {
    let sockets = this.bySession.get(sessionId);
    if (!sockets) this.bySession.set(sessionId, (sockets = new Map()));
    const outbox = new SocketOutbox(socket, this.flusher, this.outboxLimits, this.delivery, Date.now, rawStreamOf(socket));
    sockets.set(socket, outbox);
    this.total++;
    outboxes.set(socket, outbox);
    socket.on('pong', (data) => outbox.acknowledge(data)); // the peer's answer to the outbox's probe
    socket.once('close', () => this.remove(sessionId, socket));
  }

  /**
   * Sends one message to every socket of a session (`frame`, when given, is its serialised form,
   * as the journal made it). It is serialised, encoded and framed once, however many sockets there
   * are: every socket gets the same bytes, in one write (see `wireFrame`). A slow socket may
   * coalesce progress ticks (see SocketOutbox); state changes always arrive, in order.
   */
  publish(sessionId: string, message: ServerMessage, frame?: Buffer): void {
    const sockets = this.bySession.get(sessionId);
    if (!sockets) return;
    frame ??= encodeFrame(JSON.stringify(message));
    let taskId: string | undefined;
    let tick = false;
    if (message.type === 'taskQueued' || message.type === 'taskProgress') {
      taskId = message.data.id;
      const sameState = this.recordState(sessionId, taskId, message.data.state);
      tick = sameState && message.type === 'taskProgress'; // a taskQueued is never coalesced
    }
    const wire = wireOf(frame);
    for (const outbox of sockets.values()) outbox.send(frame, taskId, tick, wire);
  }

  /** Every open socket, for keep-alive sweeps and shutdown. */
  *sockets(): IterableIterator<WebSocket> {
    for (const sockets of this.bySession.values()) yield* sockets.keys();
  }

  /** Records the state a task's message carries; true when it is the state last sent. */
  private recordState(sessionId: string, taskId: string, state: TaskState): boolean {
    let states = this.taskStates.get(sessionId);
    if (!states) this.taskStates.set(sessionId, (states = new Map()));
    const previous = states.get(taskId);
    if (state === 'completed' || state === 'failed' || state === 'cancelled') states.delete(taskId);
    else states.set(taskId, state);
    return previous === state;
  }

  private remove(sessionId: string, socket: WebSocket): void {
    const outbox = outboxes.get(socket);
    if (outbox) {
      outbox.discard();
      this.flusher.forget(outbox);
      outboxes.delete(socket);
    }
    const sockets = this.bySession.get(sessionId);
    if (!sockets?.delete(socket)) return;
    this.total--;
    if (sockets.size === 0) {
      this.bySession.delete(sessionId);
      this.taskStates.delete(sessionId);
    }
  }
}

/** The send path of every socket registered with a hub. */
const outboxes = new WeakMap<WebSocket, SocketOutbox>();

/**
 * Sends a pre-serialised frame to one socket if it is still open, through its outbox when it has
 * one, so that it keeps its place behind frames waiting for a slow socket.
 */
export function sendFrame(socket: WebSocket, frame: string | Buffer): void {
  const data = typeof frame === 'string' ? Buffer.from(frame) : frame;
  const outbox = outboxes.get(socket);
  if (outbox) outbox.send(data);
  else if (socket.readyState === WebSocket.OPEN) socket.send(data, { binary: false });
}

/** Serialises and sends one message to one socket. */
export function sendMessage(socket: WebSocket, message: ServerMessage): void {
  sendFrame(socket, JSON.stringify(message));
}

/** The outbox of a socket registered with a hub (diagnostics and tests). */
export function outboxOf(socket: WebSocket): SocketOutbox | undefined {
  return outboxes.get(socket);
}
