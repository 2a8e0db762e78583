import { describeStoreError } from './store-error.js';

/** First wait before a failed write is tried again; it doubles up to {@link MAX_RETRY_MS}. */
export const FIRST_RETRY_MS = 100;
/** Longest wait between two tries: space that comes back is noticed within this. */
export const MAX_RETRY_MS = 5000;

/** A change of the store's health, for logs: `failure` is absent once writes succeed again. */
export interface WriteHealthEvent {
  /** Short cause, e.g. `disk full (SQLITE_FULL)`; undefined when writes work again. */
  failure: string | undefined;
  /** The error itself, when failing. */
  error?: unknown;
  /** Changes held in memory, waiting to be written. */
  held: number;
  /** When failing: the wait before the next try, in ms. */
  retryInMs?: number;
}

/**
 * Whether the task database is taking writes, and the backoff between tries while it is not.
 * The store reports each batch's outcome; the engine reads `failure` to refuse new work (and the
 * server to say so on `/health`); listeners hear each change of health (not each failed try).
 */
export class WriteHealth {
  private cause: string | undefined;
  private delay = FIRST_RETRY_MS;
  private listeners: ((event: WriteHealthEvent) => void)[] = [];
  private waiters: (() => void)[] = [];

  /** Why writes fail right now, e.g. `disk full (SQLITE_FULL)`; undefined while they succeed. */
  get failure(): string | undefined {
    return this.cause;
  }

  /** Hears every change of health until the returned function is called. */
  subscribe(listener: (event: WriteHealthEvent) => void): () => void {
    this.listeners.push(listener);
    return () => (this.listeners = this.listeners.filter((other) => other !== listener));
  }

  /** Resolves once writes succeed (at once when they do now). */
  writable(): Promise<void> {
    if (this.cause === undefined) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** A write failed: returns how long to wait before the next try (doubling, capped). */
  failed(error: unknown, held: number): number {
    const wait = this.delay;
    this.delay = Math.min(MAX_RETRY_MS, this.delay * 2);
    const cause = describeStoreError(error);
    if (cause !== this.cause) {
      this.cause = cause;
      this.tell({ failure: cause, error, held, retryInMs: wait });
    }
    return wait;
  }

  /** A write succeeded: healthy again (if it was not). */
  succeeded(held: number): void {
    if (this.cause === undefined) return;
    this.cause = undefined;
    this.delay = FIRST_RETRY_MS;
    this.tell({ failure: undefined, held });
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private tell(event: WriteHealthEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A faulty listener (a logger) must not stop the store from retrying.
      }
    }
  }
}
