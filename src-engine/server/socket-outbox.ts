import { Deque } from '../channel/deque.js';
import { newDeliveryStats, type DeliveryStats } from '../metrics/delivery-stats.js';
import type { RawStream } from './wire-frame.js';

/** The part of a `ws` WebSocket the outbox uses; tests pass a fake. */
export interface OutboxSocket {
  readonly readyState: number;
  /** Bytes accepted by `send` but not yet handed to the kernel. */
  readonly bufferedAmount: number;
  send(data: Buffer, options: { binary: boolean }): void;
  /** A WebSocket ping; the peer answers with a pong carrying the same payload once it read it. */
  ping(data: Buffer): void;
  close(code: number, reason: string): void;
}

/**
 * Close sent to a socket whose outbox passed {@link OutboxLimits.maxPendingBytes}: the client reads
 * too slowly to keep up. Nothing is lost: every frame is in the session's journal, so a client
 * that reconnects with `?lastSeq=N&epoch=E` (the last number it processed) gets exactly what it
 * missed (or a snapshot, when that is older than the replay buffer). 4008 is in the range for
 * applications (4000-4999); the reason says what to do.
 */
export const SLOW_CONSUMER_CLOSE = { code: 4008, reason: 'Too slow: reconnect with lastSeq to resume' } as const;

/** Limits of a {@link SocketOutbox}. */
export interface OutboxLimits {
  /**
   * A socket with at least this many bytes buffered in user space counts as slow: frames wait in
   * its outbox, where progress ticks are coalesced. Node hands data to the kernel synchronously
   * when it can, so `bufferedAmount` only grows once the kernel's buffers (several MB on a LAN)
   * are full. Default 64 KiB.
   */
  highWaterBytes: number;
  /**
   * Bytes a peer may be behind: sent but not yet read (as far as its pongs show) plus waiting in
   * the outbox. Coalescing keeps one tick per task, but state changes are never dropped; a peer
   * that falls this far behind is closed at once with {@link SLOW_CONSUMER_CLOSE} (its client
   * reconnects and resumes from the journal). Default 16 MiB.
   *
   * Why count what was sent: the kernel takes tens of MB for a peer that stopped reading (its
   * receive buffer plus our send buffer; over 50 MB on loopback here) before anything waits in
   * user space, so the outbox alone would notice only after the keep-alive had dropped the peer.
   */
  maxPendingBytes: number;
}

export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = { highWaterBytes: 64 * 1024, maxPendingBytes: 16 * 1024 * 1024 };

const OPEN = 1;
/** Time a peer gets to answer the outbox's probe before the bytes it has not read count against it. */
export const PROBE_ANSWER_MS = 1000;
const TEXT = { binary: false } as const;

/** A frame waiting for a slow socket; `frame` is null once a newer tick of its task replaced it. */
interface PendingFrame {
  frame: Buffer | null;
  taskId: string | undefined;
  tick: boolean;
  /** performance.now() when queued: how long it waited is the delivery lag. */
  queuedAt: number;
}

/**
 * The send path of one socket. A fast socket gets each frame at once, with no copy and no
 * bookkeeping. A slow one (see {@link OutboxLimits.highWaterBytes}) gets a bounded queue instead
 * of an unbounded one:
 * - a progress tick (a `taskProgress` whose state equals the previous one for that task) drops
 *   the task's tick still waiting here, if nothing about that task was queued after it, and joins
 *   the end of the queue: the client skips intermediate percentages and sees the latest one;
 * - everything else (`taskQueued`, state changes, non-task messages) is queued and delivered in
 *   order, never dropped.
 * Frames keep the order they were published in (so the session's sequence numbers only grow: a
 * client that skips numbers it has passed never skips a state change), and a client that does not
 * read costs at most one pending tick per task plus its state changes.
 *
 * Frames are pre-serialised Buffers shared by every socket of a session: nothing is encoded per
 * socket.
 */
export class SocketOutbox {
  /** Ticks merged into a pending one (a measure of how slow this peer is). */
  coalesced = 0;
  private queue: Deque<PendingFrame> | undefined;
  /** Entries in `queue` whose frame was dropped; compacted away once they outnumber the live ones. */
  private dropped = 0;
  /** Latest pending frame per task, to coalesce into; only entries still in `queue`. */
  private lastByTask: Map<string, PendingFrame> | undefined;
  private bytes = 0;
  /** Bytes handed to the socket so far. */
  private sent = 0;
  /** Bytes the peer has read, as far as it showed by answering a probe (a ping sent after them). */
  private read = 0;
  /** The outstanding probe: its payload, `sent` when it went out, and when; undefined when none is. */
  private probe: { payload: string; sentBefore: number; at: number } | undefined;
  private probes = 0;

  constructor(
    private readonly socket: OutboxSocket,
    private readonly flusher: OutboxFlusher,
    private readonly limits: OutboxLimits = DEFAULT_OUTBOX_LIMITS,
    /** Shared by every outbox of a hub; read by the metrics. */
    private readonly stats: DeliveryStats = newDeliveryStats(),
    private readonly now: () => number = Date.now,
    /**
     * The socket's TCP stream, when frames framed by the hub may be written to it directly (see
     * `rawStreamOf`); without it every frame goes through `socket.send`.
     */
    private readonly stream?: RawStream,
  ) {}

  /** Turn of the event loop in which this outbox last wrote (see {@link TurnBatch}). */
  private lastTurn = -1;
  /** Whether this outbox corked its stream in the current turn. */
  private corked = false;
  /** Bytes written into the corked stream this turn: the kernel has not been offered them yet. */
  private corkedBytes = 0;

  /** Frames waiting for the socket. */
  get pendingFrames(): number {
    return (this.queue?.length ?? 0) - this.dropped;
  }

  /** Bytes waiting for the socket. */
  get pendingBytes(): number {
    return this.bytes;
  }

  /**
   * Sends a frame now, or queues it when the socket is slow. `taskId` names the task the frame is
   * about (undefined for other messages); `tick` marks a progress tick, which may be coalesced.
   */
  send(frame: Buffer, taskId?: string, tick = false, wire?: Buffer): void {
    const socket = this.socket;
    if (socket.readyState !== OPEN) return;
    // Bytes corked this turn are not a sign of a slow peer: the kernel was not offered them yet.
    if (this.bytes === 0 && socket.bufferedAmount - this.corkedBytes < this.limits.highWaterBytes) {
      this.stats.framesSent++;
      this.write(frame, wire);
      if (this.sent - this.read >= this.limits.maxPendingBytes / 4) this.checkReader();
      return;
    }
    this.enqueue(frame, taskId, tick);
  }

  /**
   * Hands a frame to the socket. `wire`, when given, is `frame` already framed (see `wireFrame`):
   * written to the stream as is, one `write` with no per-socket allocation. From the second frame
   * in one turn (see {@link TurnBatch}) on, the stream is corked, so that a burst (a replay, a
   * greeting and its snapshot, a handler reporting in a loop) leaves in one `writev` at the end of
   * the turn instead of one system call per frame; a lone frame still leaves at once.
   */
  private write(frame: Buffer, wire: Buffer | undefined): void {
    const stream = this.stream;
    if (stream !== undefined) {
      const again = this.lastTurn === turns.current;
      if (!this.corked && (again || turns.spanning)) {
        stream.cork();
        this.corked = true;
        turns.corked.push(this);
      }
      if (!again) {
        this.lastTurn = turns.current;
        turns.wrote();
      }
    }
    // ws.send on a corked stream cork/uncorks inside ours (corks nest), so its frames join the batch.
    if (stream !== undefined && wire !== undefined) stream.write(wire);
    else this.socket.send(frame, TEXT);
    this.sent += frame.length;
    if (this.corked) {
      this.corkedBytes += frame.length;
      // A batch stays small: past the high-water mark it goes to the kernel now.
      if (this.corkedBytes >= this.limits.highWaterBytes) this.uncork();
    }
  }

  /** Offers what was corked this turn to the kernel. */
  uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.corkedBytes = 0;
    this.stream?.uncork();
  }

  /** A pong arrived: if it answers our probe, the peer has read everything sent before it. */
  acknowledge(payload: Buffer): void {
    const probe = this.probe;
    if (!probe || payload.length !== probe.payload.length || payload.toString() !== probe.payload) return;
    this.read = probe.sentBefore;
    this.probe = undefined;
  }

  /**
   * Sends what the socket can take now. Returns true when nothing is left waiting (also when the
   * socket is gone, in which case the backlog is discarded).
   */
  flush(): boolean {
    const queue = this.queue;
    if (!queue) return true;
    const socket = this.socket;
    while (queue.length > 0) {
      if (socket.readyState !== OPEN) {
        this.discard();
        return true;
      }
      if (socket.bufferedAmount >= this.limits.highWaterBytes) return false;
      const entry = queue.shift();
      const frame = entry.frame;
      if (frame === null) {
        this.dropped--;
        continue;
      }
      this.bytes -= frame.length;
      if (entry.taskId !== undefined && this.lastByTask!.get(entry.taskId) === entry) this.lastByTask!.delete(entry.taskId);
      this.stats.framesSent++;
      this.stats.onDelay?.(performance.now() - entry.queuedAt);
      this.write(frame, undefined);
    }
    this.checkReader();
    return true;
  }

  /** Drops the backlog (the socket closed, or was cut off). */
  discard(): void {
    this.uncork();
    this.stats.framesDropped += this.pendingFrames;
    this.queue = undefined;
    this.lastByTask = undefined;
    this.bytes = 0;
    this.dropped = 0;
  }

  private enqueue(frame: Buffer, taskId: string | undefined, tick: boolean): void {
    const lastByTask = (this.lastByTask ??= new Map());
    const queue = (this.queue ??= new Deque());
    if (taskId !== undefined && tick) {
      const last = lastByTask.get(taskId);
      if (last?.tick && last.frame !== null) {
        this.bytes -= last.frame.length;
        last.frame = null;
        this.dropped++;
        this.coalesced++;
        this.stats.framesCoalesced++;
        if (this.dropped > 32 && this.dropped * 2 > queue.length) {
          queue.retain((entry) => entry.frame !== null);
          this.dropped = 0;
        }
      }
    }
    const entry: PendingFrame = { frame, taskId, tick, queuedAt: performance.now() };
    this.stats.framesDelayed++;
    queue.push(entry);
    this.bytes += frame.length;
    if (taskId !== undefined) lastByTask.set(taskId, entry);
    if (!this.checkReader()) return;
    this.flusher.schedule(this);
  }

  /**
   * Closes the socket when the peer is too far behind (see {@link OutboxLimits.maxPendingBytes});
   * otherwise, once a quarter of the limit was sent since the peer last showed it read, asks it to
   * show again (a ping: it answers once it has read everything before it). Returns false when it
   * closed the socket.
   */
  private checkReader(): boolean {
    const unread = this.sent - this.read;
    const behind = unread + this.bytes > this.limits.maxPendingBytes;
    // A burst (a replay, a snapshot) may pass the limit before a healthy peer had time to answer:
    // unanswered bytes count once the probe had PROBE_ANSWER_MS to come back. Bytes waiting in
    // our own memory count at once.
    if (this.bytes > this.limits.maxPendingBytes || (behind && this.probe !== undefined && this.now() - this.probe.at >= PROBE_ANSWER_MS)) {
      // The backlog is dropped now (the journal has it), and the peer is told why and how to
      // resume rather than left to the keep-alive. The close frame waits behind what the kernel
      // already holds; ws cuts the socket if the closing handshake does not finish in 30 s.
      this.discard();
      this.probe = undefined;
      if (this.socket.readyState === OPEN) this.socket.close(SLOW_CONSUMER_CLOSE.code, SLOW_CONSUMER_CLOSE.reason);
      return false;
    }
    if (!this.probe && unread >= this.limits.maxPendingBytes / 4 && this.socket.readyState === OPEN) {
      this.probe = { payload: `outbox-${++this.probes}`, sentBefore: this.sent, at: this.now() };
      this.socket.ping(Buffer.from(this.probe.payload));
    }
    return true;
  }
}

/**
 * Turns, as far as the send path cares: the synchronous run of one callback of the event loop (a
 * timer, an I/O event, an immediate), which ends at the microtask checkpoint that follows it.
 * `current` advances at the end of every turn in which some outbox wrote (one microtask per such
 * turn, not per frame), and the streams corked during it are uncorked then.
 *
 * Why not the whole loop iteration (`setImmediate`): frames corked early in a long timers phase
 * (a loaded server fires hundreds of timers in one) would wait for all of it. Ending at the
 * microtask checkpoint delays a frame by nothing but the rest of the callback that wrote it.
 *
 * Except while the loop keeps writing ({@link spanning}): when many turns of one pass wrote (many
 * tasks, each reporting to its own session's socket, one turn each), a `write` per turn, with
 * engine work between them, cost the kernel about twice what the same writes cost back to back
 * (the peer is woken once per write instead of once per burst). Then corks are held across turns
 * and released together: once {@link SPAN_STREAMS} streams are corked, and at the start of the
 * loop's next check phase at the latest (an immediate queued before the writers queued their next
 * ones), so no frame waits past the pass that wrote it. A lone write on a quiet server still
 * leaves at the end of its turn.
 */
class TurnBatch {
  current = 0;
  readonly corked: SocketOutbox[] = [];
  /** Whether corks are held across turns in this pass (the last pass had many writing turns). */
  spanning = false;
  /** First writes of an outbox in a turn since the last pass ended (one per task's turn when each task reports to a socket of its own). */
  private writers = 0;
  private turnEnding = false;
  private passEnding = false;
  private readonly endTurn = (): void => {
    this.turnEnding = false;
    this.current++;
    if (!this.spanning || this.corked.length >= SPAN_STREAMS) this.uncorkAll();
  };
  private readonly endPass = (): void => {
    this.passEnding = false;
    this.uncorkAll();
    const wasSpanning = this.spanning;
    this.spanning = this.writers >= SPAN_WRITERS;
    this.writers = 0;
    // One more look after a busy pass, so that `spanning` turns off once the writing stops.
    if (wasSpanning || this.spanning) this.schedulePassEnd();
  };

  /** An outbox wrote for the first time in this turn: make sure the turn and the pass end. */
  wrote(): void {
    this.writers++;
    if (!this.turnEnding) {
      this.turnEnding = true;
      // Not queueMicrotask: Node makes an AsyncResource per call (~1 µs), paid per writing turn.
      void settled.then(this.endTurn);
    }
    this.schedulePassEnd();
  }

  private schedulePassEnd(): void {
    if (this.passEnding) return;
    this.passEnding = true;
    setImmediate(this.endPass);
  }

  private uncorkAll(): void {
    const corked = this.corked;
    for (let i = 0; i < corked.length; i++) corked[i]!.uncork();
    corked.length = 0;
  }
}

const settled = Promise.resolve();
/** Writing turns in one pass of the event loop from which the next pass holds corks across turns. */
export const SPAN_WRITERS = 8;
/** Streams corked across turns at most before they are released together. */
export const SPAN_STREAMS = 32;

const turns = new TurnBatch();

/**
 * Retries the outboxes of slow sockets: first at the next turn of the event loop (a burst written
 * in one turn), then every `retryMs` while some remain (a peer that does not read). Idle when no
 * socket is slow.
 */
export class OutboxFlusher {
  private readonly waiting = new Set<SocketOutbox>();
  private immediate: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly retryMs = 10) {}

  /** Outboxes with frames waiting. */
  get size(): number {
    return this.waiting.size;
  }

  schedule(outbox: SocketOutbox): void {
    this.waiting.add(outbox);
    if (!this.immediate && !this.timer) this.immediate = setImmediate(() => this.run());
  }

  /** Forgets an outbox whose socket closed. */
  forget(outbox: SocketOutbox): void {
    this.waiting.delete(outbox);
  }

  /** Flushes every waiting outbox once; returns how many still wait. */
  run(): number {
    if (this.immediate) clearImmediate(this.immediate);
    if (this.timer) clearTimeout(this.timer);
    this.immediate = undefined;
    this.timer = undefined;
    for (const outbox of this.waiting) if (outbox.flush()) this.waiting.delete(outbox);
    if (this.waiting.size > 0) {
      this.timer = setTimeout(() => this.run(), this.retryMs);
      this.timer.unref();
    }
    return this.waiting.size;
  }

  /** Stops retrying (server shutdown). */
  stop(): void {
    if (this.immediate) clearImmediate(this.immediate);
    if (this.timer) clearTimeout(this.timer);
    this.immediate = undefined;
    this.timer = undefined;
    this.waiting.clear();
  }
}
