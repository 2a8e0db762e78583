/**
 * The queue a channel keeps its items in. The FIFO {@link Deque} is the default; a priority
 * channel swaps in a heap. `pop` removes the most recently queued item (drop-newest).
 */
export interface ItemQueue<T> {
  readonly length: number;
  push(item: T): void;
  /** Removes and returns the next item to read. Precondition: `length > 0`. */
  shift(): T;
  /** Removes and returns the newest item. Precondition: `length > 0`. */
  pop(): T;
}
