/**
 * Array-backed ring buffer used for channel items and waiter queues.
 *
 * `Array.prototype.shift()` is O(n) on large arrays, which would make a busy channel
 * quadratic; a ring buffer gives O(1) removal at both ends without per-item allocation.
 * The buffer grows by doubling and never shrinks: memory is bounded by the peak queue
 * length, and not shrinking avoids resize thrash when a queue oscillates around a size.
 *
 * Removal methods do not check for emptiness — callers always test `length` first
 * anyway, and `undefined` is a legitimate item so it could not signal "empty".
 */
export class Deque<T> {
  private buffer: (T | undefined)[];
  /** `buffer.length - 1`; the length is a power of two so wrapping is a bit mask. */
  private mask: number;
  private head = 0;
  private size = 0;

  /** @param initialCapacity - Hint for the starting slot count (rounded up to a power of two). */
  constructor(initialCapacity = 16) {
    const slots = nextPowerOfTwo(Math.max(initialCapacity, 2));
    this.buffer = new Array<T | undefined>(slots).fill(undefined);
    this.mask = slots - 1;
  }

  /** Number of stored items. */
  get length(): number {
    return this.size;
  }

  /** Appends `item` at the back. */
  push(item: T): void {
    if (this.size === this.buffer.length) this.grow();
    this.buffer[(this.head + this.size) & this.mask] = item;
    this.size++;
  }

  /** Removes and returns the front item. Precondition: `length > 0`. */
  shift(): T {
    const item = this.buffer[this.head] as T;
    // Clear the slot so a consumed item can be garbage-collected.
    this.buffer[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return item;
  }

  /** Removes and returns the back item. Precondition: `length > 0`. */
  pop(): T {
    this.size--;
    const index = (this.head + this.size) & this.mask;
    const item = this.buffer[index] as T;
    this.buffer[index] = undefined;
    return item;
  }

  /** Keeps only the items for which `keep` returns true, preserving their order. */
  retain(keep: (item: T) => boolean): void {
    let kept = 0;
    for (let i = 0; i < this.size; i++) {
      const item = this.buffer[(this.head + i) & this.mask] as T;
      if (keep(item)) {
        this.buffer[(this.head + kept) & this.mask] = item;
        kept++;
      }
    }
    for (let i = kept; i < this.size; i++) {
      this.buffer[(this.head + i) & this.mask] = undefined;
    }
    this.size = kept;
  }

  /** Doubles the slot count, unwrapping the contents to start at index 0. */
  private grow(): void {
    const old = this.buffer;
    const next = new Array<T | undefined>(old.length * 2).fill(undefined);
    for (let i = 0; i < this.size; i++) {
      next[i] = old[(this.head + i) & this.mask];
    }
    this.buffer = next;
    this.mask = next.length - 1;
    this.head = 0;
  }
}

/** Smallest power of two that is `>= n` (for n >= 1). */
function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
