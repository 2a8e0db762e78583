import WebSocket from 'ws';
import type { ServerMessage } from '../protocol/messages.js';

/**
 * A real WebSocket client for tests that records every message and lets a test wait for the one
 * it expects, with a timeout that names what was awaited.
 */
export class MessageCollector {
  readonly messages: ServerMessage[] = [];
  readonly socket: WebSocket;
  private waiters: Array<() => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(url: string, options?: WebSocket.ClientOptions) {
    this.socket = new WebSocket(url, options);
    this.socket.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as ServerMessage);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => this.socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Opens a socket to `/ws` of a server at `baseUrl` (http://...), optionally with a session id. */
  static async open(baseUrl: string, sessionId?: string, options?: WebSocket.ClientOptions): Promise<MessageCollector> {
    const url = new URL('/ws', baseUrl.replace(/^http/, 'ws'));
    if (sessionId) url.searchParams.set('sessionId', sessionId);
    const collector = new MessageCollector(url.href, options);
    await new Promise<void>((resolve, reject) => {
      collector.socket.once('open', () => resolve());
      collector.socket.once('error', reject);
    });
    return collector;
  }

  /** Reopens a session's socket with the last number seen (`?epoch=E&lastSeq=N`), as a reconnecting client does. */
  static async resume(baseUrl: string, sessionId: string, resume: { epoch: string; lastSeq: number }): Promise<MessageCollector> {
    const url = new URL('/ws', baseUrl.replace(/^http/, 'ws'));
    url.searchParams.set('sessionId', sessionId);
    url.searchParams.set('epoch', resume.epoch);
    url.searchParams.set('lastSeq', String(resume.lastSeq));
    const collector = new MessageCollector(url.href);
    await new Promise<void>((resolve, reject) => {
      collector.socket.once('open', () => resolve());
      collector.socket.once('error', reject);
    });
    return collector;
  }

  /** Sequence numbers of the numbered messages, in arrival order. */
  get seqs(): number[] {
    return this.messages.flatMap((message) => (message.seq === undefined ? [] : [message.seq]));
  }

  /** Messages of one type, in arrival order. */
  ofType<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((message): message is Extract<ServerMessage, { type: T }> => message.type === type);
  }

  /** Resolves with the first message (already received or future) that matches. */
  async waitFor<T extends ServerMessage = ServerMessage>(
    predicate: (message: ServerMessage) => boolean,
    description: string,
    timeoutMs = 10_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found as T;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`Timed out waiting for ${description}; got ${this.messages.map((m) => m.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until the task with this id reaches a final status. */
  waitForFinal(taskId: string, timeoutMs = 15_000): Promise<Extract<ServerMessage, { type: 'taskProgress' }>> {
    return this.waitFor(
      (m) => m.type === 'taskProgress' && m.data.id === taskId && ['Completed', 'Failed', 'Cancelled'].includes(m.data.status),
      `final status of ${taskId}`,
      timeoutMs,
    );
  }

  /** Progress messages of one task, in order. */
  progressOf(taskId: string): Extract<ServerMessage, { type: 'taskProgress' }>['data'][] {
    return this.ofType('taskProgress')
      .filter((m) => m.data.id === taskId)
      .map((m) => m.data);
  }

  /** Sends a raw frame. */
  send(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.socket.send(data, options);
  }

  /** Closes the socket and waits for the close event. */
  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.closed;
  }
}
