import { Deque } from './deque.js';
import { Waiter, type WaiterOwner } from './waiter.js';

/**
 * Below this many slots a queue full of aborted waiters is cheap enough to keep;
 * compacting tiny queues would only add work.
 */
const MIN_COMPACTION_LENGTH = 32;

/**
 * FIFO queue of pending {@link Waiter}s.
 *
 * Aborted waiters are not spliced out immediately (that would be O(n) per abort, and
 * O(n²) when one signal cancels many waiters). They stay as tombstones that
 * {@link WaiterQueue.dequeue} skips, and the queue compacts itself once tombstones
 * outnumber live waiters, keeping both abort and dequeue amortised O(1) and memory
 * bounded even if waiters are aborted on an idle channel forever.
 */
export class WaiterQueue<TResult, TItem = undefined> implements WaiterOwner {
  private readonly waiters = new Deque<Waiter<TResult, TItem>>(4);
  private live = 0;

  /** Number of waiters still pending. */
  get size(): number {
    return this.live;
  }

  /**
   * Adds a waiter at the back and returns the promise it will settle.
   *
   * @param item - Payload the waiter carries (a blocked writer's item).
   * @param signal - Optional signal that cancels the wait.
   */
  enqueue(item: TItem, signal: AbortSignal | undefined): Promise<TResult> {
    const waiter = new Waiter<TResult, TItem>(item, signal, this);
    this.waiters.push(waiter);
    this.live++;
    return waiter.promise;
  }

  /**
   * Removes and returns the oldest pending waiter, or `undefined` if none is pending.
   * The caller must settle it before yielding control.
   */
  dequeue(): Waiter<TResult, TItem> | undefined {
    while (this.waiters.length > 0) {
      const waiter = this.waiters.shift();
      if (waiter.isPending) {
        this.live--;
        return waiter;
      }
    }
    return undefined;
  }

  /** Settles every pending waiter with `value`, oldest first. */
  resolveAll(value: TResult): void {
    for (let waiter = this.dequeue(); waiter !== undefined; waiter = this.dequeue()) {
      waiter.resolve(value);
    }
  }

  /** Rejects every pending waiter with an error from `makeError`, oldest first. */
  rejectAll(makeError: () => unknown): void {
    for (let waiter = this.dequeue(); waiter !== undefined; waiter = this.dequeue()) {
      waiter.reject(makeError());
    }
  }

  /** @inheritDoc */
  discard(): void {
    this.live--;
    const length = this.waiters.length;
    if (length >= MIN_COMPACTION_LENGTH && this.live * 2 < length) {
      this.waiters.retain(isPending);
    }
  }
}

/** Predicate kept module-level so compaction allocates no closure. */
function isPending(waiter: { readonly isPending: boolean }): boolean {
  return waiter.isPending;
}
