import { randomUUID } from 'node:crypto';
import type { ServerMessage } from '../protocol/messages.js';
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
}

/** What a reconnecting client can be given. */
export type ResumeResult = { readonly ok: true; readonly missed: readonly JournalEntry[] } | { readonly ok: false };

interface Counter {
  /** Last number handed out. */
  seq: number;
  /** Names this numbering: a counter forgotten and made again starts over under a new epoch. */
  readonly epoch: string;
}

/** A kept message: its text, made into bytes again only if it is replayed. */
interface KeptFrame {
  readonly seq: number;
  readonly text: string;
}

interface SessionLog {
  /** Last sequence number handed out. */
  seq: number;
  /**
   * Ring of the latest frames, oldest first. Kept as text: strings live on the JS heap, where
   * keeping (and dropping) a million of them costs the garbage collector little, while as many
   * Buffers each pinned a slice of a pool and counted as external memory (GC pressure, and
   * ArrayBuffer allocations on the send path).
   */
  frames: KeptFrame[];
}

/**
 * Gives every message to a session a sequence number (1, 2, 3, ... per session) and keeps the
 * latest frames, so that a client that reconnects with the last number it saw gets exactly what
 * it missed. A session's `epoch` names its numbering: numbers from an earlier server run, or from
 * a numbering this journal has since forgotten, mean nothing here, so a client that brings one
 * gets a fresh snapshot instead. Memory is bounded: frames for the most recently active sessions,
 * counters for many more.
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
  private generations = 0;
  /** The session `next` numbered last: the last entry of `counters`, unless it was deleted since. */
  private lastCounted: string | undefined;
  /** The session `touch` refreshed last: the last entry of `sessions`, unless it was deleted since. */
  private lastTouched: string | undefined;

  constructor(options: SessionJournalOptions = {}) {
    this.framesPerSession = options.framesPerSession ?? 1000;
    this.trimBlock = Math.max(1, Math.ceil(this.framesPerSession / 8));
    this.maxSessions = options.maxSessions ?? 2000;
    this.maxCounters = options.maxCounters ?? 100_000;
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
    // The number goes last. A copy of the message's few top-level fields costs less than cutting
    // and joining the JSON text (a cons string, flattened again when encoded).
    const text = JSON.stringify({ ...message, seq });
    const log = this.touch(sessionId);
    log.seq = seq;
    log.frames.push({ seq, text });
    // Amortised trim: drop an eighth at once rather than shifting on every message (a few pointer
    // moves per message). Dropping only once twice the limit was kept held twice the frames the
    // replay can use: with 100 busy sessions, 100,000 texts of dead weight for the GC to mark.
    if (log.frames.length >= this.framesPerSession + this.trimBlock) log.frames.splice(0, log.frames.length - this.framesPerSession);
    return encodeFrame(text);
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
    const frames = this.sessions.get(sessionId)?.frames ?? [];
    const kept = frames.length > this.framesPerSession ? frames.slice(-this.framesPerSession) : frames;
    const first = kept[0];
    if (!first || first.seq > lastSeq + 1) return { ok: false };
    return { ok: true, missed: kept.slice(lastSeq + 1 - first.seq).map(({ seq, text }) => ({ seq, frame: Buffer.from(text) })) };
  }

  /** The next number of a session, refreshing its recency. */
  private next(sessionId: string): number {
    const counter = this.counterOf(sessionId);
    // Already the most recent (a session with several messages in a row): nothing to move.
    if (this.lastCounted !== sessionId) {
      this.counters.delete(sessionId);
      this.counters.set(sessionId, counter);
      this.lastCounted = sessionId;
    }
    return ++counter.seq;
  }

  private counterOf(sessionId: string): Counter {
    let counter = this.counters.get(sessionId);
    if (counter) return counter;
    counter = { seq: 0, epoch: `${this.epoch}.${++this.generations}` };
    this.counters.set(sessionId, counter);
    // Frames kept under a forgotten numbering must never be replayed under the new one.
    this.sessions.delete(sessionId);
    if (this.counters.size > this.maxCounters) this.counters.delete(this.counters.keys().next().value as string);
    return counter;
  }

  private touch(sessionId: string): SessionLog {
    let log = this.sessions.get(sessionId);
    if (log && this.lastTouched === sessionId) return log;
    this.lastTouched = sessionId;
    if (log) this.sessions.delete(sessionId);
    else log = { seq: 0, frames: [] };
    this.sessions.set(sessionId, log);
    if (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next().value as string;
      this.sessions.delete(oldest);
    }
    return log;
  }
}
