/**
 * Public contracts of the channel module, modelled on .NET `System.Threading.Channels`.
 *
 * A channel is split into a reader and a writer so that code can be handed only the
 * capability it needs: a consumer given a `ChannelReader` cannot write or complete.
 *
 * @packageDocumentation
 */

/**
 * Outcome of {@link ChannelReader.tryRead}.
 *
 * A discriminated union rather than `T | undefined` because `undefined` (or any other
 * value) is a legitimate item; `ok` is the only reliable signal of "nothing to read".
 */
export type TryReadResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false };

/** The consuming side of a channel. */
export interface ChannelReader<T> extends AsyncIterable<T> {
  /**
   * Settles once the channel is completed *and* every queued item has been read.
   * Resolves for a plain completion and rejects with the error passed to
   * `complete(error)` otherwise.
   */
  readonly completion: Promise<void>;

  /** Number of items currently queued and immediately readable. */
  readonly count: number;

  /**
   * Takes the next item if one is queued, without waiting.
   * Never allocates a promise, so it is the fast path for draining loops.
   */
  tryRead(): TryReadResult<T>;

  /**
   * Takes the next item, waiting for one if necessary. Concurrent readers are served
   * in the order they started waiting.
   *
   * Rejects with `ChannelClosedError` once the channel is completed and drained (its
   * `cause` is the completion error, if any), and with `ChannelAbortedError` if
   * `signal` aborts first — in which case no item is consumed.
   */
  read(signal?: AbortSignal): Promise<T>;

  /**
   * Waits until an item is available without consuming it. Resolves `true` when an
   * item is available, `false` once the channel is completed and drained. Rejects with
   * the completion error instead of returning `false` if the channel was completed
   * with one, and with `ChannelAbortedError` if `signal` aborts first.
   *
   * `true` is only a hint: another reader may take the item first, so pair it with a
   * `tryRead()` loop.
   */
  waitToRead(signal?: AbortSignal): Promise<boolean>;

  /**
   * Yields every item until the channel is completed and drained. Throws the
   * completion error if the channel was completed with one, and `ChannelAbortedError`
   * if `signal` aborts while waiting.
   */
  readAll(signal?: AbortSignal): AsyncGenerator<T, void, undefined>;

  /** Same as `readAll()` without a signal; enables `for await (const item of reader)`. */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined>;
}

/** The producing side of a channel. */
export interface ChannelWriter<T> {
  /**
   * Writes without waiting. Returns `false` when the channel is completed, or when it
   * is a bounded channel in `'wait'` mode and full. In the drop modes a write to a
   * full channel succeeds by dropping an item (see {@link BoundedChannelFullMode}).
   */
  tryWrite(item: T): boolean;

  /**
   * Writes, waiting for space if the channel is bounded in `'wait'` mode. Concurrent
   * waiting writers are admitted in the order they started waiting.
   *
   * Rejects with `ChannelClosedError` if the channel is (or becomes, while waiting)
   * completed, and with `ChannelAbortedError` if `signal` aborts first — in which
   * case the item is guaranteed not to have been written.
   */
  write(item: T, signal?: AbortSignal): Promise<void>;

  /**
   * Waits until there is space to write. Resolves `true` when a write could succeed,
   * `false` once the channel is completed; rejects with the completion error instead
   * of returning `false` if the channel was completed with one, and with
   * `ChannelAbortedError` if `signal` aborts first.
   */
  waitToWrite(signal?: AbortSignal): Promise<boolean>;

  /**
   * Marks the channel as complete: no more items will be written. Queued items remain
   * readable. Returns `false` (and changes nothing) if it was already completed.
   *
   * @param error - Optional failure to propagate to readers and `completion`.
   */
  tryComplete(error?: Error): boolean;

  /**
   * Like {@link ChannelWriter.tryComplete} but throws `ChannelClosedError` if the
   * channel was already completed, because completing twice usually means two
   * producers disagree about who owns the channel.
   */
  complete(error?: Error): void;
}

/** A reader/writer pair sharing one queue. */
export interface Channel<T> {
  /** The consuming side. */
  readonly reader: ChannelReader<T>;
  /** The producing side. */
  readonly writer: ChannelWriter<T>;
}

/**
 * What a bounded channel does with a write when it is full.
 *
 * - `'wait'`: `write()` waits for space; `tryWrite()` returns `false`.
 * - `'drop-oldest'`: the oldest queued item is dropped to make room.
 * - `'drop-newest'`: the most recently queued item is dropped to make room.
 * - `'drop-write'`: the item being written is dropped; the write still reports success.
 */
export type BoundedChannelFullMode = 'wait' | 'drop-oldest' | 'drop-newest' | 'drop-write';

/** Options for a bounded channel. */
export interface BoundedChannelOptions<T> {
  /** Maximum number of queued items; an integer of at least 1. */
  capacity: number;
  /** Behaviour when full. Defaults to `'wait'`. */
  fullMode?: BoundedChannelFullMode;
  /**
   * Called synchronously with every item dropped by a drop mode, after the write has
   * been applied. If it throws, the error propagates to the writer (`tryWrite` throws,
   * `write` rejects) even though the write itself already took effect.
   */
  onItemDropped?: (item: T) => void;
}
