/**
 * The queue's pause switches as the server and the UI see them, whatever runs the queue: the
 * embedded engine's admission gate, or the cluster's switches kept in Redis.
 */
export interface QueueControl {
  /** Whether the whole queue is paused (running tasks finish; queued ones wait). */
  readonly paused: boolean;
  /** Kinds paused one by one (they may no longer be registered). */
  readonly pausedKindNames: string[];
  isKindPaused(kind: string): boolean;
  pause(): void;
  resume(): void;
  pauseKind(kind: string): void;
  resumeKind(kind: string): void;
  /** Hears every change of a switch until the returned function is called. */
  subscribe(listener: () => void): () => void;
}
