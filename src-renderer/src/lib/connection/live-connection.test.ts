import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../protocol.js';
import { LiveConnection } from './live-connection.svelte.js';

/** A WebSocket stand-in: the test fires its events; it records what the page does to it. */
class FakeSocket {
  static made: FakeSocket[] = [];
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  send(): void {}
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.onopen?.({ type: 'open' } as Event);
  }
  message(data: unknown): void {
    this.onmessage?.({ type: 'message', data: JSON.stringify(data) } as MessageEvent);
  }
}

const noop = () => undefined;
const globals = globalThis as unknown as Record<string, unknown>;

beforeEach(() => {
  FakeSocket.made = [];
  globals['WebSocket'] = FakeSocket;
  globals['window'] = { addEventListener: noop, removeEventListener: noop };
  globals['document'] = { addEventListener: noop, removeEventListener: noop, visibilityState: 'visible' };
});

afterEach(() => {
  for (const name of ['WebSocket', 'window', 'document']) delete globals[name];
});

function connection() {
  const received: ServerMessage[] = [];
  const live = new LiveConnection({ url: () => 'ws://h/ws?sessionId=a', onMessage: (message) => received.push(message), onLog: noop });
  return { live, received };
}

const greeting = { type: 'connection', data: { socketId: 's1', serverTime: '2026-12-02T00:00:00.000Z' }, timestamp: '2026-12-02T00:00:00.000Z' };
const snapshot = { type: 'snapshot', data: { tasks: [], seq: 0, epoch: 'e', total: 0 }, timestamp: '2026-12-02T00:00:00.000Z' };

/** A connection whose early socket opened and got its greeting and snapshot before start(). */
function greetedEarlySocket() {
  const { live, received } = connection();
  live.preconnect();
  const socket = FakeSocket.made[0]!;
  socket.open();
  socket.message(greeting);
  socket.message(snapshot);
  return { live, received, socket };
}

describe('LiveConnection.preconnect', () => {
  it('opens the socket at once but changes nothing until start(), which plays what it had, in order', async () => {
    const { live, received } = connection();
    live.preconnect();
    expect(FakeSocket.made).toHaveLength(1);
    const socket = FakeSocket.made[0]!;
    socket.open();
    socket.message(greeting);
    socket.message(snapshot);
    expect(live.phase).toBe('connecting');
    expect(received).toEqual([]);

    live.start();
    expect(FakeSocket.made).toHaveLength(1); // the same socket, not a second one
    // Connected, with the greeting, at once; the snapshot follows once that is painted (a task here).
    expect(live.phase).toBe('connected');
    expect(live.socketId).toBe('s1');
    expect(received.map((m) => m.type)).toEqual(['connection']);
    // An event arriving meanwhile waits behind it: the order is the socket's.
    socket.message({ type: 'pong', data: {}, timestamp: '2026-12-02T00:00:01.000Z' });
    expect(received.map((m) => m.type)).toEqual(['connection']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received.map((m) => m.type)).toEqual(['connection', 'snapshot', 'pong']);

    // Later events go straight through.
    socket.message({ type: 'pong', data: {}, timestamp: '2026-12-02T00:00:02.000Z' });
    expect(received.map((m) => m.type)).toEqual(['connection', 'snapshot', 'pong', 'pong']);
    live.stop();
  });

  it('a close that came after the opening ends the connection after the messages before it, in order', async () => {
    const { live, received, socket } = greetedEarlySocket();
    socket.onclose?.({ type: 'close', code: 1006 } as CloseEvent);
    live.start();
    expect(live.phase).toBe('connected');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received.map((m) => m.type)).toEqual(['connection', 'snapshot']);
    expect(live.phase).toBe('waiting');
    live.stop();
  });

  it('a page stopped before the queued events play ignores them', async () => {
    const { live, received, socket } = greetedEarlySocket();
    live.start();
    live.stop();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received.map((m) => m.type)).toEqual(['connection']);
    expect(socket.closed).toBe(true);
  });

  it('takes over a socket that already closed, and retries like any lost connection', () => {
    const { live } = connection();
    live.preconnect();
    FakeSocket.made[0]!.onclose?.({ type: 'close', code: 1006 } as CloseEvent);
    live.start();
    expect(live.phase).toBe('waiting');
    expect(live.retryAt).not.toBeNull();
    live.stop();
  });

  it('closes the early socket when the page stops before starting', () => {
    const { live } = connection();
    live.preconnect();
    live.stop();
    expect(FakeSocket.made[0]!.closed).toBe(true);
  });

  it('without preconnect, start() opens the socket itself', () => {
    const { live } = connection();
    live.start();
    expect(FakeSocket.made).toHaveLength(1);
    FakeSocket.made[0]!.open();
    expect(live.phase).toBe('connected');
    live.stop();
  });
});
