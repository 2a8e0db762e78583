import { Deque } from './deque.js';
import type { ItemQueue } from './item-queue.js';

/**
 * Items by priority (higher first), first in first out within a priority. One FIFO ring per
 * priority level and a short sorted list of the levels in use: push and shift are O(1) for the
 * handful of levels tasks use (O(levels) when a new level appears), with no per-item wrapper
 * object, which a binary heap needs and which showed up as GC pressure in the engine benchmark.
 */
export class PriorityQueue<T> implements ItemQueue<T> {
  private readonly buckets = new Map<number, Deque<T>>();
  /** Priorities that have items, highest first. */
  private readonly levels: number[] = [];
  private size = 0;

  constructor(private readonly priorityOf: (item: T) => number) {}

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    const priority = this.priorityOf(item);
    let bucket = this.buckets.get(priority);
    if (!bucket) {
      bucket = new Deque<T>();
      this.buckets.set(priority, bucket);
      let at = 0;
      while (at < this.levels.length && this.levels[at]! > priority) at++;
      this.levels.splice(at, 0, priority);
    }
    bucket.push(item);
    this.size++;
  }

  /** The oldest item of the highest priority. */
  shift(): T {
    return this.takeFrom(0, (bucket) => bucket.shift());
  }

  /** The item that would be read last: the newest of the lowest priority. */
  pop(): T {
    return this.takeFrom(this.levels.length - 1, (bucket) => bucket.pop());
  }

  private takeFrom(levelIndex: number, take: (bucket: Deque<T>) => T): T {
    const priority = this.levels[levelIndex]!;
    const bucket = this.buckets.get(priority)!;
    const item = take(bucket);
    this.size--;
    if (bucket.length === 0) {
      // Empty levels go, so the front of `levels` always has items.
      this.buckets.delete(priority);
      this.levels.splice(levelIndex, 1);
    }
    return item;
  }
}
