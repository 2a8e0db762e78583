/**
 * Gap-free delivery bookkeeping. The server numbers each session's task messages (`seq`) within
 * a server run (`epoch`). The page remembers the last number it applied, skips repeats (a
 * replay can overlap what it saw), and reconnects with `lastSeq` + `epoch` so the server replays
 * exactly what was missed, or sends a fresh snapshot when it cannot (new run, journal too short).
 */
import type { OwnerServerMessage } from '../protocol.js';
import type { ResumePoint } from './socket-url.js';

/** How far the page has read the session's message stream. */
export interface StreamPosition {
  /** The server run the numbers belong to; null before the first `connection`. */
  epoch: string | null;
  /** Last applied message number; null until a snapshot (or resume) fixes the starting point. */
  lastSeq: number | null;
}

/** The starting position: nothing read yet. */
export const START: StreamPosition = { epoch: null, lastSeq: null };

/**
 * What to do with a message: `skip` it (already applied), `apply` it in order (it is newer than
 * everything applied, so it wins even when it looks like a step back), or `merge` it carefully
 * (no sequence number to go by: newer-looking updates only).
 */
export type Verdict = 'skip' | 'apply' | 'merge';

/** Decides about one message and returns the position after it. Pure. */
export function admit(position: StreamPosition, message: OwnerServerMessage): { position: StreamPosition; verdict: Verdict } {
  switch (message.type) {
    case 'connection': {
      const epoch = message.data.epoch || null;
      // A new server run: old numbers mean nothing; the snapshot that follows sets the start.
      return { position: epoch === position.epoch ? position : { epoch, lastSeq: null }, verdict: 'apply' };
    }
    case 'snapshot':
      return { position: { epoch: message.data.epoch || position.epoch, lastSeq: message.data.seq }, verdict: 'apply' };
    case 'resumed':
      return { position: { ...position, lastSeq: Math.max(position.lastSeq ?? 0, message.data.seq) }, verdict: 'apply' };
    case 'taskQueued':
    case 'taskProgress':
    case 'tasksDeleted': {
      const seq = message.seq;
      if (seq === undefined || position.lastSeq === null) return { position, verdict: 'merge' };
      if (seq <= position.lastSeq) return { position, verdict: 'skip' };
      return { position: { ...position, lastSeq: seq }, verdict: 'apply' };
    }
    case 'pong':
    case 'taskLog':
    case 'taskLogRefused':
    case 'scheduleUpdated':
    case 'scheduleDeleted':
    case 'queueState':
    case 'statsTick':
      // Not numbered: log lines carry their own seq, and owner-only news about schedules, the queue and the stats is outside the session's stream.
      return { position, verdict: 'apply' };
  }
}

/** Where a reconnect should resume from, or null to ask for a snapshot. */
export function resumePoint(position: StreamPosition): ResumePoint | null {
  return position.epoch !== null && position.lastSeq !== null ? { epoch: position.epoch, lastSeq: position.lastSeq } : null;
}
