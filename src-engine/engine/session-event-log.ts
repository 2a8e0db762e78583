import type { EngineEvent } from './engine-events.js';
import type { TaskCounts, TaskRecord } from './task-record.js';

/** A session's event as the backend numbered it: 1, 2, 3, ... per session, under an epoch. */
export interface NumberedEvent {
  readonly sessionId: string;
  readonly seq: number;
  /** Epoch ms at which the change was made (the message's timestamp, the same on every node). */
  readonly time: number;
  readonly event: Exclude<EngineEvent, { type: 'taskLog' }>;
}

/** What a socket opening for a session starts from. */
export type SessionStart =
  /** Everything after the client's `lastSeq`, in order (possibly nothing). */
  | { readonly kind: 'resume'; readonly epoch: string; readonly seq: number; readonly missed: readonly NumberedEvent[] }
  /** The session's tasks as of `seq` (newest first, up to the limit), with its total and counts. */
  | { readonly kind: 'snapshot'; readonly epoch: string; readonly seq: number; readonly tasks: readonly Readonly<TaskRecord>[]; readonly total: number; readonly counts: TaskCounts };

/**
 * The per-session numbering and replay journal of a backend that numbers events itself (a
 * cluster, where any node may serve any session: the numbers and the journal live in Redis).
 */
export interface SessionEventLog {
  /** Hears every numbered event of every session, in each session's order, until unsubscribed. */
  subscribe(listener: (event: NumberedEvent) => void): () => void;
  /**
   * Where a socket opening for a session starts: the events it missed after `resume.lastSeq` if
   * they are all still kept under `resume.epoch`, otherwise a snapshot.
   */
  open(sessionId: string, resume: { epoch: string; lastSeq: number } | undefined, snapshotLimit: number): Promise<SessionStart>;
  /** Events `from`..`to` (inclusive) of a session, if all are still kept; undefined otherwise. */
  range(sessionId: string, from: number, to: number): Promise<readonly NumberedEvent[] | undefined>;
}
