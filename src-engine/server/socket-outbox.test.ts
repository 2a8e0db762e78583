import { EventEmitter, once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { ServerMessage, TaskDto, TaskState } from '../protocol/messages.js';
import { SessionJournal } from './session-journal.js';
import { outboxOf, sendMessage, SocketHub } from './socket-hub.js';
import { OutboxFlusher, PROBE_ANSWER_MS, SLOW_CONSUMER_CLOSE, SocketOutbox, SPAN_STREAMS, SPAN_WRITERS } from './socket-outbox.js';

/**
 * The send path under a slow consumer: a client that does not read must cost bounded memory, yet
 * still receive every state change, in order, and the final state.
 */

/** A socket whose kernel never drains while `stalled`: bufferedAmount stays high, frames are recorded. */
class FakeSocket extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: Buffer[] = [];
  send(data: Buffer): void {
    this.sent.push(data);
  }
  readonly pings: Buffer[] = [];
  ping(data: Buffer): void {
    this.pings.push(data);
  }
  closedWith: { code: number; reason: string } | undefined;
  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
    this.readyState = 2; // closing: nothing more is sent
  }
  messages(): ServerMessage[] {
    return this.sent.map((frame) => JSON.parse(frame.toString()) as ServerMessage);
  }
}

function dto(id: string, state: TaskState, progress: number, status: string): TaskDto {
  return {
    id,
    name: `task ${id}`,
    status,
    progress,
    result: state === 'completed' ? 'done' : null,
    error: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: state === 'queued' ? null : '2025-01-01T00:00:01.000Z',
    completedAt: state === 'completed' ? '2025-01-01T00:00:09.000Z' : null,
    clientId: 'slow',
    state,
    kind: 'demo',
    parameters: { duration: 5000 },
    duration: 5000,
    attempt: 1,
    maxAttempts: 1,
    priority: 0,
    retryAt: null,
    runAt: null,
    job: null,
    scheduleId: null,
    waitReason: null,
  };
}

const T = '2025-01-01T00:00:00.000Z';
const queued = (id: string): ServerMessage => ({ type: 'taskQueued', data: dto(id, 'queued', 0, 'Queued'), timestamp: T });
const progress = (id: string, state: TaskState, value: number, status: string): ServerMessage => ({
  type: 'taskProgress',
  data: dto(id, state, value, status),
  timestamp: T,
});

/** The messages a task's life produces, with `ticks` progress reports between Running and Completed. */
function* life(id: string, ticks: number): Generator<ServerMessage> {
  yield queued(id);
  yield progress(id, 'running', 0, 'Running');
  for (let i = 1; i <= ticks; i++) yield progress(id, 'running', (i / ticks) * 99, `Processing ${i}/${ticks}`);
  yield progress(id, 'completed', 100, 'Completed');
}

/** [type, state] of each message about `id`, ticks left out. */
function stateChanges(messages: ServerMessage[], id: string): string[] {
  const changes: string[] = [];
  let last: string | undefined;
  for (const message of messages) {
    if ((message.type !== 'taskQueued' && message.type !== 'taskProgress') || message.data.id !== id) continue;
    if (message.type === 'taskQueued') changes.push('queued');
    else if (message.data.state !== last) changes.push(message.data.state);
    last = message.data.state;
  }
  return changes;
}

describe('SocketOutbox', () => {
  it('sends at once, the very same Buffer, while the socket keeps up', () => {
    const socket = new FakeSocket();
    const outbox = new SocketOutbox(socket, new OutboxFlusher());
    const frame = Buffer.from('{"type":"pong"}');
    outbox.send(frame);
    outbox.send(frame, 'a', true);
    expect(socket.sent).toEqual([frame, frame]);
    expect(socket.sent[0]).toBe(frame);
    expect(outbox.pendingFrames).toBe(0);
  });

  it('keeps one pending tick per task for a stalled socket, never dropping a state change, and catches up in order', () => {
    const hub = new SocketHub({ highWaterBytes: 1024, maxPendingBytes: 1 << 30 });
    const journal = new SessionJournal();
    const socket = new FakeSocket();
    hub.add('slow', socket as unknown as WebSocket);
    const outbox = outboxOf(socket as unknown as WebSocket)!;

    // It reads the greeting, then stops reading: the kernel is full from here on.
    sendMessage(socket as unknown as WebSocket, { type: 'pong', data: { timestamp: T }, timestamp: T });
    socket.bufferedAmount = 10 * 1024 * 1024;

    // Three tasks whose lives interleave, 5,000 ticks each, plus a non-task message mid-way.
    const lives = ['a', 'b', 'c'].map((id) => life(id, 5000));
    let step = 0;
    let maxPending = 0;
    let maxEntries = 0; // live frames plus replaced ticks not yet compacted away
    for (let more = true; more; ) {
      more = false;
      for (const messages of lives) {
        const next = messages.next();
        if (next.done) continue;
        more = true;
        hub.publish('slow', next.value, journal.record('slow', next.value)); // numbered, as the bridge does
        if (++step === 7000) sendMessage(socket as unknown as WebSocket, { type: 'pong', data: { timestamp: 'mid-way' }, timestamp: T });
        maxPending = Math.max(maxPending, outbox.pendingFrames);
        maxEntries = Math.max(maxEntries, (outbox as unknown as { queue?: { length: number } }).queue?.length ?? 0);
      }
    }

    // Bounded: 3 tasks × (queued, running, one tick, completed) + the pong, whatever the tick count.
    expect(socket.sent).toHaveLength(1);
    expect(maxPending).toBeLessThanOrEqual(3 * 4 + 1);
    expect(maxEntries).toBeLessThanOrEqual(2 * (3 * 4 + 1) + 33);
    expect(outbox.pendingBytes).toBeLessThan(16 * 1024);
    expect(outbox.coalesced).toBeGreaterThan(3 * 4990);

    // The client reads again: a flush delivers the backlog.
    socket.bufferedAmount = 0;
    expect(outbox.flush()).toBe(true);
    const received = socket.messages();
    for (const id of ['a', 'b', 'c']) {
      expect(stateChanges(received, id)).toEqual(['queued', 'running', 'completed']);
      const ofTask = received.filter((m) => (m.type === 'taskProgress' || m.type === 'taskQueued') && m.data.id === id);
      expect(ofTask.at(-1)).toMatchObject({ type: 'taskProgress', data: { state: 'completed', status: 'Completed', progress: 100 } });
      // The coalesced tick carries the latest progress reached before completion.
      expect(ofTask.at(-2)).toMatchObject({ data: { state: 'running', status: 'Processing 5000/5000' } });
    }
    // Non-task messages keep their place: the mid-way pong comes after everything queued before it.
    const pongs = received.filter((m) => m.type === 'pong');
    expect(pongs.map((m) => m.data.timestamp)).toEqual([T, 'mid-way']);
    // Frames leave in the order they were published: sequence numbers only grow (skipped numbers
    // are coalesced ticks), so a client that ignores numbers it has passed loses no state change.
    const seqs = received.flatMap((m) => (m.seq === undefined ? [] : [m.seq]));
    expect(seqs.length).toBe(3 * 4);
    expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)).toBe(true);
    expect(outbox.pendingFrames).toBe(0);
  });

  it('delivers a frame that waited behind a burst at the next turn, without a timer', async () => {
    const socket = new FakeSocket();
    const flusher = new OutboxFlusher(60_000);
    const outbox = new SocketOutbox(socket, flusher, { highWaterBytes: 100, maxPendingBytes: 1 << 20 });
    socket.bufferedAmount = 500; // a burst written this turn
    outbox.send(Buffer.from('one'));
    outbox.send(Buffer.from('two'));
    expect(socket.sent).toHaveLength(0);
    socket.bufferedAmount = 0; // the kernel took it
    await new Promise((resolve) => setImmediate(resolve));
    expect(socket.sent.map(String)).toEqual(['one', 'two']);
    expect(flusher.size).toBe(0);
  });

  it('closes a peer whose backlog of state changes outgrows the limit at once, with 4008 and a reason that says to resume', () => {
    const socket = new FakeSocket();
    const outbox = new SocketOutbox(socket, new OutboxFlusher(), { highWaterBytes: 1, maxPendingBytes: 1000 });
    socket.bufferedAmount = 10;
    let sent = 0;
    for (; sent < 100 && socket.readyState === 1; sent++) outbox.send(Buffer.alloc(100), `t${sent}`, false);
    expect(sent).toBe(11); // the frame that passed 1000 bytes
    expect(socket.closedWith).toEqual({ code: 4008, reason: 'Too slow: reconnect with lastSeq to resume' });
    expect(socket.closedWith).toEqual(SLOW_CONSUMER_CLOSE);
    expect(outbox.pendingBytes).toBe(0);
    outbox.send(Buffer.alloc(100), 'late', false);
    expect(outbox.pendingBytes).toBe(0); // a closing socket gets nothing more
  });
});

describe('SocketOutbox: a peer that stopped reading while the kernel still takes its frames', () => {
  it('probes it with a ping once a quarter of the limit was sent, and closes it with 4008 when the unanswered bytes pass the limit', () => {
    const socket = new FakeSocket(); // bufferedAmount stays 0: the kernel takes everything
    let now = 0;
    const outbox = new SocketOutbox(socket, new OutboxFlusher(), { highWaterBytes: 64, maxPendingBytes: 1000 }, undefined, () => now);
    for (let i = 0; i < 20; i++) outbox.send(Buffer.alloc(100), `t${i}`, false);
    expect(socket.pings.map(String)).toEqual(['outbox-1']); // one probe, at 300 bytes
    expect(socket.closedWith).toBeUndefined(); // a burst: the peer had no time to answer yet
    now += PROBE_ANSWER_MS;
    outbox.send(Buffer.alloc(100), 'later', false);
    expect(socket.sent).toHaveLength(21);
    expect(socket.closedWith).toEqual(SLOW_CONSUMER_CLOSE);
  });

  it('never closes a peer that answers its probes, however much it is sent', () => {
    const socket = new FakeSocket();
    let now = 0;
    const outbox = new SocketOutbox(socket, new OutboxFlusher(), { highWaterBytes: 64, maxPendingBytes: 1000 }, undefined, () => now);
    for (let i = 0; i < 1000; i++) {
      now += 100;
      outbox.send(Buffer.alloc(100), `t${i}`, false);
      const probe = socket.pings.at(-1);
      if (probe && i % 3 === 0) outbox.acknowledge(probe); // answers a little late, as a real peer does
    }
    expect(socket.sent).toHaveLength(1000);
    expect(socket.closedWith).toBeUndefined();
    expect(socket.pings.length).toBeGreaterThan(100);
    outbox.acknowledge(Buffer.from('a keep-alive pong')); // someone else's pong acknowledges nothing
  });
});

describe('a real client that stops reading', () => {
  let server: Server | undefined;
  let wss: WebSocketServer | undefined;
  afterEach(async () => {
    wss?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  it('costs bounded server memory while paused, then gets every state change and Completed', async () => {
    server = createServer();
    wss = new WebSocketServer({ server });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const hub = new SocketHub({ highWaterBytes: 64 * 1024, maxPendingBytes: 1 << 30 });
    const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const received: ServerMessage[] = [];
    client.on('message', (data) => received.push(JSON.parse(data.toString()) as ServerMessage));
    const [serverSide] = await accepted;
    await once(client, 'open');
    hub.add('slow', serverSide);
    const outbox = outboxOf(serverSide)!;

    // The client stops reading from its TCP socket; the server keeps publishing big ticks until the
    // kernel buffers are full and frames start waiting in the outbox (bounded loop).
    (client as unknown as { _socket: { pause(): void } })._socket.pause();
    const padding = 'x'.repeat(16 * 1024);
    hub.publish('slow', queued('big'));
    hub.publish('slow', progress('big', 'running', 0, 'Running'));
    let tick = 0;
    for (; tick < 20_000 && outbox.pendingFrames === 0; tick++) {
      hub.publish('slow', progress('big', 'running', tick / 400, `${padding} ${tick}`));
      if (tick % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(outbox.pendingFrames).toBeGreaterThan(0); // the kernel is full: the client is slow now
    // Another 2,000 ticks (32 MB) while stalled: they coalesce into one pending frame.
    for (let i = 0; i < 2000; i++, tick++) hub.publish('slow', progress('big', 'running', 50, `${padding} ${tick}`));
    hub.publish('slow', progress('big', 'completed', 100, 'Completed'));
    expect(outbox.pendingFrames).toBeLessThanOrEqual(2);
    expect(outbox.pendingBytes).toBeLessThan(64 * 1024);

    (client as unknown as { _socket: { resume(): void } })._socket.resume();
    for (let i = 0; i < 2000 && !received.some((m) => m.type === 'taskProgress' && m.data.state === 'completed'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(stateChanges(received, 'big')).toEqual(['queued', 'running', 'completed']);
    expect(received.at(-1)).toMatchObject({ type: 'taskProgress', data: { state: 'completed', status: 'Completed' } });
    expect(received.length).toBeLessThan(tick); // ticks were coalesced, not all queued
    client.terminate();
  });
});

describe('delivery counters (metrics)', () => {
  it('count frames sent, delayed, coalesced and dropped, and time the delayed ones', () => {
    const socket = new FakeSocket();
    const stats = { framesSent: 0, framesCoalesced: 0, framesDropped: 0, framesDelayed: 0, onDelay: (ms: number) => delays.push(ms) };
    const delays: number[] = [];
    const flusher = new OutboxFlusher();
    const outbox = new SocketOutbox(socket, flusher, { highWaterBytes: 10, maxPendingBytes: 1000 }, stats);
    outbox.send(Buffer.from('a'), 't1');
    expect(stats).toMatchObject({ framesSent: 1, framesDelayed: 0 });
    socket.bufferedAmount = 100; // slow from now on
    outbox.send(Buffer.from('tick 1'), 't1', true);
    outbox.send(Buffer.from('tick 2'), 't1', true); // replaces tick 1
    outbox.send(Buffer.from('state'), 't2');
    expect(stats).toMatchObject({ framesSent: 1, framesDelayed: 3, framesCoalesced: 1 });
    socket.bufferedAmount = 0;
    flusher.run();
    expect(stats).toMatchObject({ framesSent: 3, framesDropped: 0 });
    expect(delays).toHaveLength(2);
    socket.bufferedAmount = 100;
    outbox.send(Buffer.from('lost'), 't3');
    outbox.discard(); // the socket closed with a frame waiting
    expect(stats.framesDropped).toBe(1);
    flusher.stop();
  });
});

describe('writes batched per turn (a real client)', () => {
  let server: Server | undefined;
  let wss: WebSocketServer | undefined;
  afterEach(async () => {
    wss?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  interface CountedStream {
    writableCorked: number;
    _write: (...args: unknown[]) => unknown;
    _writev: (...args: unknown[]) => unknown;
  }

  /** A hub socket and its client; `writes()` counts the writes its TCP stream made (write or writev). */
  async function connect(): Promise<{ hub: SocketHub; serverSide: WebSocket; client: WebSocket; stream: CountedStream; writes: () => number; received: string[] }> {
    server = createServer();
    wss = new WebSocketServer({ server });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const received: string[] = [];
    client.on('message', (data) => received.push(data.toString()));
    const [serverSide] = await accepted;
    await once(client, 'open');
    const hub = new SocketHub();
    hub.add('s', serverSide);
    const stream = (serverSide as unknown as { _socket: CountedStream })._socket;
    let writes = 0;
    const write = stream._write.bind(stream);
    const writev = stream._writev.bind(stream);
    stream._write = (...args) => (writes++, write(...args));
    stream._writev = (...args) => (writes++, writev(...args));
    return { hub, serverSide, client, stream, writes: () => writes, received };
  }

  it('sends a burst of one turn in a few writes, every frame in publish order, mixed with frames ws framed', async () => {
    const { hub, serverSide, client, writes, received } = await connect();
    const count = 3000;
    for (let i = 0; i < count; i++) {
      if (i % 3 === 0) sendMessage(serverSide, { type: 'pong', data: { timestamp: `#${i}` }, timestamp: T });
      else hub.publish('s', queued(`#${i}`)); // never coalesced: every one must arrive
    }
    for (let i = 0; i < 2000 && received.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    const order = received.map((text) => {
      const message = JSON.parse(text) as ServerMessage;
      return Number((message.type === 'pong' ? message.data.timestamp : message.type === 'taskQueued' ? message.data.id : '').slice(1));
    });
    expect(order).toEqual(Array.from({ length: count }, (_, i) => i));
    // ~1.5 MB in 64 KiB batches: a few dozen writes, not one per frame.
    expect(writes()).toBeLessThan(count / 20);
    expect(hub.delivery.framesSent).toBe(count);
    client.terminate();
  });

  it('writes a lone frame at once, and uncorks a burst at the end of its turn (the microtask checkpoint)', async () => {
    const { hub, client, stream, writes, received } = await connect();
    hub.publish('s', queued('#0'));
    expect(stream.writableCorked).toBe(0);
    expect(writes()).toBe(1); // at once: no waiting for the end of the turn
    hub.publish('s', queued('#1'));
    hub.publish('s', queued('#2'));
    expect(stream.writableCorked).toBe(1);
    expect(writes()).toBe(1);
    await Promise.resolve(); // the turn ends at its microtask checkpoint, not at the next loop iteration
    expect(stream.writableCorked).toBe(0);
    expect(writes()).toBe(2); // the two in one writev
    for (let i = 0; i < 400 && received.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(received.map((text) => (JSON.parse(text) as { data: { id: string } }).data.id)).toEqual(['#0', '#1', '#2']);
    client.terminate();
  });
});

describe('writes held across turns while the loop keeps writing (many sessions, one turn each)', () => {
  /** A TCP stream that records what reached the kernel: a write while corked waits for the uncork. */
  class FakeStream {
    corks = 0;
    held: Buffer[] = [];
    readonly kernel: Buffer[] = [];
    write(data: Buffer): boolean {
      if (this.corks > 0) this.held.push(data);
      else this.kernel.push(data);
      return true;
    }
    cork(): void {
      this.corks++;
    }
    uncork(): void {
      if (this.corks === 0 || --this.corks > 0) return;
      this.kernel.push(...this.held);
      this.held = [];
    }
  }

  function outboxes(count: number): { outbox: SocketOutbox; stream: FakeStream }[] {
    const flusher = new OutboxFlusher();
    return Array.from({ length: count }, () => {
      const stream = new FakeStream();
      return { outbox: new SocketOutbox(new FakeSocket(), flusher, undefined, undefined, Date.now, stream), stream };
    });
  }

  const frame = (text: string): Buffer => Buffer.from(text);
  const nextPass = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  /** One pass of the loop in which every outbox writes once, each in an immediate of its own (a task's turn); `during` runs in each turn, after the write. */
  async function pass(all: { outbox: SocketOutbox; stream: FakeStream }[], round: number, during: (i: number) => void = () => undefined): Promise<void> {
    const turn = (outbox: SocketOutbox, i: number): void => {
      outbox.send(frame(`${round}:${i}`), `t${i}`, true, frame(`${round}:${i}`));
      during(i);
    };
    await Promise.all(all.map(({ outbox }, i) => new Promise<void>((resolve, reject) => setImmediate(() => {
      try {
        turn(outbox, i);
        resolve();
      } catch (error) {
        reject(error as Error);
      }
    }))));
  }

  it('writes at once while few turns write; once a pass had many writing turns, holds the next pass\'s writes and lets them go together, never past that pass', async () => {
    const all = outboxes(SPAN_WRITERS + 2);
    await nextPass(); // whatever earlier tests left
    await nextPass();
    await pass(all, 1, (i) => expect(all[i]!.stream.kernel.length).toBe(1)); // a quiet loop: each frame at once
    await pass(all, 2, (i) => {
      // Held across turns: the frames of this pass's earlier turns have not reached the kernel yet.
      for (let j = 0; j <= i; j++) expect(all[j]!.stream.kernel.length).toBe(1);
    });
    await nextPass(); // the start of the next check phase releases them
    expect(all.map(({ stream }) => stream.kernel.map(String))).toEqual(all.map((_, i) => [`1:${i}`, `2:${i}`]));
    expect(all.every(({ stream }) => stream.corks === 0)).toBe(true);
  });

  it('lets held writes go once SPAN_STREAMS streams are corked, without waiting for the pass to end', async () => {
    const all = outboxes(SPAN_STREAMS + 8);
    await pass(all, 1);
    await pass(all, 2, (i) => {
      if (i === SPAN_STREAMS - 2) expect(all[0]!.stream.kernel.length).toBe(1); // still held
      // After the turn that corked the SPAN_STREAMS-th stream ends, those streams have their frame.
      if (i === SPAN_STREAMS) for (let j = 0; j < SPAN_STREAMS; j++) expect(all[j]!.stream.kernel.length).toBe(2);
    });
    await nextPass();
    expect(all.every(({ stream }) => stream.kernel.length === 2 && stream.corks === 0)).toBe(true);
  });

  it('writes a lone frame at the end of its turn again once the loop went quiet', async () => {
    const all = outboxes(SPAN_WRITERS + 2);
    await pass(all, 1);
    await pass(all, 2); // this pass holds writes: the last had many writing turns
    await nextPass(); // its end: still many writers, so one more look
    await nextPass(); // a pass with no writes: holding stops
    const { outbox, stream } = all[0]!;
    outbox.send(frame('lone'), 't0', true, frame('lone'));
    await Promise.resolve(); // the turn's microtask checkpoint
    expect(stream.kernel.at(-1)?.toString()).toBe('lone');
  });
});
