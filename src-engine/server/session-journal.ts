import { randomUUID } from 'node:crypto';
import type { ServerMessage } from '../protocol/messages.js';
import { ReplayRing } from './replay-ring.js';
import { encodeFrame } from './wire-frame.js';

/** A message as it went out: its sequence number and the exact bytes sent. */
export interface JournalEntry {
  readonly seq: number;
  readonly frame: Buffer;
}

/** Options of {@link SessionJournal}. */
export interface SessionJournalOptions {
  /** Frames kept per session for replay. Default 1000. */
  framesPerSession?: number;
  /** Sessions whose frames are kept; the least recently active lose theirs first. Default 2000. */
  maxSessions?: number;
  /** Sessions whose numbering is remembered; the least recently active are forgotten. Default 100,000. */
  maxCounters?: number;
  /**
   * Bytes of frames kept for all sessions together; once full, the oldest frames (of any session)
   * make room. Default 32 MiB.
   */
  maxBytes?: number;
}

/** Default of {@link SessionJournalOptions.maxBytes}. */
export const DEFAULT_REPLAY_BYTES = 32 * 1024 * 1024;

/** What a reconnecting client can be given. */
export type ResumeResult = { readonly ok: true; readonly missed: readonly JournalEntry[] } | { readonly ok: false };

interface Counter {
  /** Last number handed out. */
  seq: number;
  /** `moves` when this counter last went to the end of the recency order (see {@link recentWithin}). */
  stamp: number;
  /** Names this numbering: a counter forgotten and made again starts over under a new epoch. */
  readonly epoch: string;
}

interface SessionLog {
  /** `moves` when this log last went to the end of the recency order (see {@link recentWithin}). */
  stamp: number;
  /** Number of the first kept frame: the kept frames are numbered `first`, `first + 1`, ... */
  first: number;
  /**
   * Per kept frame, oldest first: where its payload is in the ring and its length.
   *
   * Why numbers, not strings or Buffers: a kept frame lives for minutes, a tick's message for
   * microseconds. As a string (or as a Buffer object per frame) each one survived the young
   * generation and was copied into the old one; with 1,000 sessions, ~15 % of the server's CPU
   * went to scavenges that copied kept frames. Numbers in arrays and bytes in the ring are nothing
   * for the garbage collector to copy.
   */
  positions: number[];
  lengths: number[];
}

/**
 * Gives every message to a session a sequence number (1, 2, 3, ... per session) and keeps the
 * latest frames, so that a client that reconnects with the last number it saw gets exactly what
 * it missed. A session's `epoch` names its numbering: numbers from an earlier server run, or from
 * a numbering this journal has since forgotten, mean nothing here, so a client that brings one
 * gets a fresh snapshot instead. Memory is bounded: frames for the most recently active sessions,
 * all of them within one budget of bytes (the oldest frames go first), counters for many more.
 */
export class SessionJournal {
  /** This server run; every session's epoch starts with it. */
  readonly epoch = randomUUID();
  private readonly framesPerSession: number;
  /** Frames kept past `framesPerSession` before they are dropped, together. */
  private readonly trimBlock: number;
  private readonly maxSessions: number;
  private readonly maxCounters: number;
  /** Insertion order doubles as recency: a session is re-inserted on every message. */
  private readonly sessions = new Map<string, SessionLog>();
  /** Counters outlive evicted frames, so numbers never repeat within an epoch. Recency-ordered too. */
  private readonly counters = new Map<string, Counter>();
  /** The bytes of every kept frame. */
  private readonly ring: ReplayRing;
  private generations = 0;
  /** Moves to the end of `counters` so far (a clock for their stamps). */
  private counterMoves = 0;
  /** Moves to the end of `sessions` so far (a clock for their stamps). */
  private sessionMoves = 0;

  constructor(options: SessionJournalOptions = {}) {
    this.framesPerSession = options.framesPerSession ?? 1000;
    this.trimBlock = Math.max(1, Math.ceil(this.framesPerSession / 8));
    this.maxSessions = options.maxSessions ?? 2000;
    this.maxCounters = options.maxCounters ?? 100_000;
    this.ring = new ReplayRing(options.maxBytes ?? DEFAULT_REPLAY_BYTES);
  }

  /** The epoch of a session's numbering, as its sockets are told it. */
  epochOf(sessionId: string): string {
    return this.counterOf(sessionId).epoch;
  }

  /**
   * Sessions a socket has opened in this epoch, oldest first (bounded like `sessions`). Only their
   * messages need frames: a client can only resume from a number it was given on a socket.
   */
  private readonly watched = new Set<string>();

  /** From now on, a session's messages are worth keeping (a socket opened for it). */
  watch(sessionId: string): void {
    this.watched.delete(sessionId);
    this.watched.add(sessionId);
    if (this.watched.size > this.maxSessions) this.watched.delete(this.watched.values().next().value as string);
  }

  /**
   * The last socket of a session closed. A session that was never sent a numbered message has
   * nothing to resume, so it is forgotten at once (a client that comes back with its epoch gets a
   * snapshot, which is just as empty): otherwise every socket that ever opened, each with its own
   * session id, would keep a counter until `maxCounters`, and memory would grow with every
   * connection, not with the work.
   */
  release(sessionId: string): void {
    if (this.counters.get(sessionId)?.seq !== 0) return;
    this.counters.delete(sessionId);
    this.watched.delete(sessionId);
    this.sessions.delete(sessionId);
  }

  /** Whether a session's messages need serialising and keeping (see {@link watch}). */
  isWatched(sessionId: string): boolean {
    return this.watched.has(sessionId);
  }

  /**
   * Numbers a message nobody can ask for: a session no socket has opened. The number is taken
   * (numbers never repeat) but nothing is serialised or kept.
   */
  skip(sessionId: string): void {
    this.next(sessionId);
  }

  /** Numbers, serialises and keeps a message for a session; returns the frame to send. */
  record(sessionId: string, message: ServerMessage): Buffer {
    const seq = this.next(sessionId);
    // The number goes last, in a literal of the envelope's fields: serialising a spread copy
    // (`{ ...message, seq }`) cost ~1.3 µs more per message than this literal (whose shape V8 knows
    // from the second call on), and cutting and joining the JSON text made a cons string that was
    // flattened again when encoded. Every message is an envelope of exactly these fields.
    const text = JSON.stringify({ type: message.type, data: message.data, timestamp: message.timestamp, seq });
    // Sent from a short-lived buffer, kept as a copy in the ring: a socket's write queue may hold
    // the bytes it was given for as long as the socket is slow, and the ring reuses its own.
    const payload = encodeFrame(text);
    const log = this.touch(sessionId);
    let count = log.positions.length;
    // Numbers skipped while no socket watched the session: what is kept can no longer be
    // replayed without a hole, so it starts over (a client from before the hole gets a snapshot).
    if (count > 0 && seq !== log.first + count) count = clearFrames(log);
    const at = this.ring.append(payload);
    // A frame too large for the ring: nothing before it can be replayed without it either.
    if (at < 0) {
      clearFrames(log);
      return payload;
    }
    if (count === 0) log.first = seq;
    log.positions.push(at);
    log.lengths.push(payload.length);
    // Amortised trim: drop an eighth at once rather than shifting on every message (a few pointer
    // moves per message). Dropping only once twice the limit was kept held twice the frames the
    // replay can use.
    if (count + 1 >= this.framesPerSession + this.trimBlock) dropFrames(log, count + 1 - this.framesPerSession);
    // Entries of frames the ring came round to can never be replayed: they go too, once an eighth
    // of the session's entries are stale (one comparison per message), so the sessions' indexes
    // together stay in proportion to what the ring holds, not to `framesPerSession` each.
    const positions = log.positions;
    if (!this.ring.intact(positions[positions.length >> 3]!)) dropFrames(log, this.ring.firstIntact(positions));
    return payload;
  }

  /** Frames kept for a session (at most `framesPerSession` plus the block dropped together). */
  keptFrames(sessionId: string): number {
    return this.sessions.get(sessionId)?.positions.length ?? 0;
  }

  /** The last number handed out to a session (0 before any). */
  currentSeq(sessionId: string): number {
    return this.counters.get(sessionId)?.seq ?? 0;
  }

  /**
   * The frames after `lastSeq`, if this journal still holds all of them and the client's numbers
   * come from this epoch; otherwise `{ ok: false }` and the caller sends a snapshot.
   */
  resume(sessionId: string, epoch: string, lastSeq: number): ResumeResult {
    const current = this.currentSeq(sessionId);
    if (epoch !== this.counters.get(sessionId)?.epoch || !Number.isInteger(lastSeq) || lastSeq < 0 || lastSeq > current) return { ok: false };
    if (lastSeq === current) return { ok: true, missed: [] };
    const log = this.sessions.get(sessionId);
    const count = log?.positions.length ?? 0;
    // Only the latest `framesPerSession` are offered; they must run up to the current number.
    if (log === undefined || count === 0 || log.first + count - 1 !== current) return { ok: false };
    const from = lastSeq + 1 - log.first;
    if (from < Math.max(0, count - this.framesPerSession)) return { ok: false };
    // The ring may have come round to the oldest frame asked for (the later ones are newer).
    if (!this.ring.intact(log.positions[from]!)) return { ok: false };
    const missed: JournalEntry[] = [];
    for (let i = from; i < count; i++) missed.push({ seq: log.first + i, frame: this.ring.read(log.positions[i]!, log.lengths[i]!) });
    return { ok: true, missed };
  }

  /** The next number of a session, refreshing its recency. */
  private next(sessionId: string): number {
    const counter = this.counterOf(sessionId);
    if (this.counterMoves - counter.stamp >= recentWithin(this.maxCounters)) {
      this.counters.delete(sessionId);
      this.counters.set(sessionId, counter);
      counter.stamp = ++this.counterMoves;
    }
    return ++counter.seq;
  }

  private counterOf(sessionId: string): Counter {
    let counter = this.counters.get(sessionId);
    if (counter) return counter;
    counter = { seq: 0, stamp: ++this.counterMoves, epoch: `${this.epoch}.${++this.generations}` };
    this.counters.set(sessionId, counter);
    // Frames kept under a forgotten numbering must never be replayed under the new one.
    this.sessions.delete(sessionId);
    if (this.counters.size > this.maxCounters) this.counters.delete(this.counters.keys().next().value as string);
    return counter;
  }

  private touch(sessionId: string): SessionLog {
    let log = this.sessions.get(sessionId);
    if (log) {
      if (this.sessionMoves - log.stamp < recentWithin(this.maxSessions)) return log;
      this.sessions.delete(sessionId);
      log.stamp = ++this.sessionMoves;
    } else log = { stamp: ++this.sessionMoves, first: 0, positions: [], lengths: [] };
    this.sessions.set(sessionId, log);
    if (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next().value as string;
      this.sessions.delete(oldest);
    }
    return log;
  }
}

/** Forgets a session's kept frames (their bytes stay in the ring until it comes round); returns how many are kept now (0). */
function clearFrames(log: SessionLog): number {
  log.positions.length = 0;
  log.lengths.length = 0;
  return 0;
}

/** Drops a session's `count` oldest kept frames. */
function dropFrames(log: SessionLog, count: number): void {
  log.positions.splice(0, count);
  log.lengths.splice(0, count);
  log.first += count;
}

/**
 * How recent an entry of a recency order of `limit` entries may be and stay where it is. Moving
 * an entry to the end of a Map is a delete and a set (a hole, and a rehash every so often): with
 * a thousand sessions taking turns, that was paid on every message, twice. An entry moved fewer
 * than `limit / 2` moves ago has fewer than `limit / 2` entries after it, so at least half the
 * limit of newer sessions must arrive before it could be forgotten: the least recently active
 * sessions still go first, within half the limit. With a limit of 1 or 2, every use moves it.
 */
function recentWithin(limit: number): number {
  return Math.max(1, Math.floor(limit / 2));
}
