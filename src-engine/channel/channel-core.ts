import { ChannelAbortedError, ChannelClosedError } from './channel-errors.js';
import type { BoundedChannelFullMode, TryReadResult } from './channel-types.js';
import { Deque } from './deque.js';
import type { ItemQueue } from './item-queue.js';
import { WaiterQueue } from './waiter-queue.js';

/** Resolved configuration of a {@link ChannelCore}. */
export interface ChannelCoreOptions<T> {
  /** Maximum queued items; `Infinity` for an unbounded channel. */
  capacity: number;
  /** Behaviour of a write to a full channel. Irrelevant when `capacity` is infinite. */
  fullMode: BoundedChannelFullMode;
  /** Receives items discarded by the drop modes. */
  onItemDropped: ((item: T) => void) | undefined;
  /** The queue that holds items; a FIFO {@link Deque} unless a variant (priority) says otherwise. */
  createQueue?: () => ItemQueue<T>;
}

// Shared, pre-settled results keep the fast paths free of per-call allocations.
// Promises are immutable once settled, so sharing them between callers is safe.
const NOTHING_TO_READ: TryReadResult<never> = Object.freeze({ ok: false });
const RESOLVED_VOID: Promise<void> = Promise.resolve();
const RESOLVED_TRUE: Promise<boolean> = Promise.resolve(true);
const RESOLVED_FALSE: Promise<boolean> = Promise.resolve(false);

/**
 * The state machine behind every channel variant; bounded and unbounded channels only
 * differ in `capacity` and `fullMode`, so they share this single implementation.
 *
 * Invariants that keep the logic small:
 * - readers (`read` / `waitToRead`) only wait while the queue is empty, so an item
 *   arriving while one waits goes straight to it;
 * - writers (`write` / `waitToWrite`) only wait while the queue is full, and a freed
 *   slot is refilled synchronously by the oldest blocked writer, so a newcomer can
 *   never overtake a writer that was already waiting;
 * - once completed no writer waits (they are rejected), and once completed and
 *   drained no reader waits (they are rejected or told `false`).
 *
 * All hand-offs happen synchronously inside the call that makes them possible, which
 * is what lets an abort (which also runs synchronously) be resolved unambiguously.
 */
export class ChannelCore<T> {
  /** Settles once completed and drained; see `ChannelReader.completion`. */
  readonly completion: Promise<void>;
  private readonly items: ItemQueue<T>;
  private readonly readers = new WaiterQueue<T>();
  private readonly readWatchers = new WaiterQueue<boolean>();
  private readonly writers = new WaiterQueue<void, T>();
  private readonly writeWatchers = new WaiterQueue<boolean>();
  private readonly capacity: number;
  private readonly fullMode: BoundedChannelFullMode;
  private readonly onItemDropped: ((item: T) => void) | undefined;
  private completed = false;
  private completionError: Error | undefined;
  private resolveCompletion!: () => void;
  private rejectCompletion!: (error: Error) => void;

  /** @param options - Already validated configuration. */
  constructor(options: ChannelCoreOptions<T>) {
    this.items = options.createQueue?.() ?? new Deque<T>();
    this.capacity = options.capacity;
    this.fullMode = options.fullMode;
    this.onItemDropped = options.onItemDropped;
    this.completion = new Promise<void>((resolve, reject) => {
      this.resolveCompletion = resolve;
      this.rejectCompletion = reject;
    });
    // Completing with an error must not crash the process with an unhandled rejection
    // just because nobody happens to observe `completion`; observers still see it.
    this.completion.catch(ignore);
  }

  /** Number of queued items. */
  get count(): number {
    return this.items.length;
  }

  /** See `ChannelReader.tryRead`. */
  tryRead(): TryReadResult<T> {
    if (this.items.length === 0) return NOTHING_TO_READ;
    return { ok: true, value: this.take() };
  }

  /** See `ChannelReader.read`. */
  read(signal: AbortSignal | undefined): Promise<T> {
    if (signal?.aborted) return Promise.reject(new ChannelAbortedError(signal.reason));
    if (this.items.length > 0) return Promise.resolve(this.take());
    if (this.completed) return Promise.reject(new ChannelClosedError(this.completionError));
    return this.readers.enqueue(undefined, signal);
  }

  /** See `ChannelReader.waitToRead`. */
  waitToRead(signal: AbortSignal | undefined): Promise<boolean> {
    if (signal?.aborted) return Promise.reject(new ChannelAbortedError(signal.reason));
    if (this.items.length > 0) return RESOLVED_TRUE;
    if (this.completed) return this.completedOutcome();
    return this.readWatchers.enqueue(undefined, signal);
  }

  /** See `ChannelWriter.tryWrite`. */
  tryWrite(item: T): boolean {
    if (this.completed) return false;
    if (this.items.length < this.capacity) {
      this.admit(item);
      return true;
    }
    return this.writeWhenFull(item);
  }

  /** See `ChannelWriter.write`. */
  write(item: T, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(new ChannelAbortedError(signal.reason));
    if (this.completed) return Promise.reject(new ChannelClosedError(this.completionError));
    try {
      if (this.tryWrite(item)) return RESOLVED_VOID;
    } catch (error) {
      // Only `onItemDropped` can throw here; keep `write` promise-only.
      return Promise.reject(error);
    }
    // Not completed, so `tryWrite` failed only because a 'wait' channel is full.
    return this.writers.enqueue(item, signal);
  }

  /** See `ChannelWriter.waitToWrite`. */
  waitToWrite(signal: AbortSignal | undefined): Promise<boolean> {
    if (signal?.aborted) return Promise.reject(new ChannelAbortedError(signal.reason));
    if (this.completed) return this.completedOutcome();
    if (this.fullMode !== 'wait' || this.items.length < this.capacity) return RESOLVED_TRUE;
    return this.writeWatchers.enqueue(undefined, signal);
  }

  /** See `ChannelWriter.tryComplete`. */
  tryComplete(error: Error | undefined): boolean {
    if (this.completed) return false;
    this.completed = true;
    this.completionError = error;
    // Blocked writers can never be admitted now; their items are not written.
    this.writers.rejectAll(() => new ChannelClosedError(error));
    this.settleWatchers(this.writeWatchers);
    if (this.items.length === 0) this.finish();
    return true;
  }

  /** See `ChannelWriter.complete`. */
  complete(error: Error | undefined): void {
    if (!this.tryComplete(error)) throw new ChannelClosedError(this.completionError);
  }

  /**
   * Delivers `item` to the oldest waiting reader, or queues it and wakes readers
   * waiting for data. Precondition: not completed and not full.
   */
  private admit(item: T): void {
    if (this.items.length === 0) {
      const reader = this.readers.dequeue();
      if (reader !== undefined) {
        reader.resolve(item);
        return;
      }
    }
    this.items.push(item);
    if (this.readWatchers.size > 0) this.readWatchers.resolveAll(true);
  }

  /** Applies the full mode to a write against a full channel; returns its success. */
  private writeWhenFull(item: T): boolean {
    switch (this.fullMode) {
      case 'wait':
        return false;
      case 'drop-write':
        this.onItemDropped?.(item);
        return true;
      case 'drop-oldest': {
        const dropped = this.items.shift();
        this.items.push(item);
        this.onItemDropped?.(dropped);
        return true;
      }
      case 'drop-newest': {
        const dropped = this.items.pop();
        this.items.push(item);
        this.onItemDropped?.(dropped);
        return true;
      }
    }
  }

  /** Removes the front item and reacts to the freed slot. Precondition: not empty. */
  private take(): T {
    const item = this.items.shift();
    this.onSlotFreed();
    return item;
  }

  /**
   * Gives a freed slot to the oldest blocked writer (keeping writers FIFO), otherwise
   * finishes a completed channel that just drained, otherwise wakes `waitToWrite`.
   */
  private onSlotFreed(): void {
    const writer = this.writers.dequeue();
    if (writer !== undefined) {
      this.items.push(writer.item);
      writer.resolve(undefined);
      return;
    }
    if (this.completed) {
      if (this.items.length === 0) this.finish();
      return;
    }
    if (this.writeWatchers.size > 0) this.writeWatchers.resolveAll(true);
  }

  /** Final transition once completed and drained: release every reader and `completion`. */
  private finish(): void {
    const error = this.completionError;
    this.readers.rejectAll(() => new ChannelClosedError(error));
    this.settleWatchers(this.readWatchers);
    if (error === undefined) this.resolveCompletion();
    else this.rejectCompletion(error);
  }

  /** Tells `waitToRead` / `waitToWrite` waiters that the channel is done. */
  private settleWatchers(watchers: WaiterQueue<boolean>): void {
    const error = this.completionError;
    if (error === undefined) watchers.resolveAll(false);
    else watchers.rejectAll(() => error);
  }

  /** What a `waitTo*` call returns once the channel is done. */
  private completedOutcome(): Promise<boolean> {
    const error = this.completionError;
    return error === undefined ? RESOLVED_FALSE : Promise.reject(error);
  }
}

/** No-op rejection handler. */
function ignore(): void {}
