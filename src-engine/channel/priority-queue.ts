import type { ItemQueue } from './item-queue.js';

interface Entry<T> {
  item: T;
  priority: number;
  /** Insertion order: equal priorities leave first in, first out. */
  order: number;
}

/**
 * A binary heap ordered by priority (higher first), then by insertion (older first), so a
 * channel over it is FIFO among equals and every operation is O(log n).
 */
export class PriorityQueue<T> implements ItemQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private nextOrder = 0;

  constructor(private readonly priorityOf: (item: T) => number) {}

  get length(): number {
    return this.heap.length;
  }

  push(item: T): void {
    this.heap.push({ item, priority: this.priorityOf(item), order: this.nextOrder++ });
    this.siftUp(this.heap.length - 1);
  }

  shift(): T {
    return this.removeAt(0);
  }

  /** Removes the newest item; O(n) to find, which only drop modes would need. */
  pop(): T {
    let newest = 0;
    for (let i = 1; i < this.heap.length; i++) if (this.heap[i]!.order > this.heap[newest]!.order) newest = i;
    return this.removeAt(newest);
  }

  private removeAt(index: number): T {
    const removed = this.heap[index]!;
    const last = this.heap.pop()!;
    if (index < this.heap.length) {
      this.heap[index] = last;
      this.siftDown(index);
      this.siftUp(index);
    }
    return removed.item;
  }

  /** True when entry `a` must be read before entry `b`. */
  private before(a: Entry<T>, b: Entry<T>): boolean {
    return a.priority !== b.priority ? a.priority > b.priority : a.order < b.order;
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(heap[index]!, heap[parent]!)) return;
      const moving = heap[index]!;
      heap[index] = heap[parent]!;
      heap[parent] = moving;
      index = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let first = index;
      if (left < heap.length && this.before(heap[left]!, heap[first]!)) first = left;
      if (right < heap.length && this.before(heap[right]!, heap[first]!)) first = right;
      if (first === index) return;
      const moving = heap[index]!;
      heap[index] = heap[first]!;
      heap[first] = moving;
      index = first;
    }
  }
}
