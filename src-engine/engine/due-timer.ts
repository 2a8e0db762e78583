import type { Clock } from './clock.js';

interface Entry<T> {
  readonly at: number;
  readonly seq: number;
  readonly key: string;
  readonly item: T;
  live: boolean;
}

/**
 * Items that come due at given times, with one timer in all: a binary min-heap ordered by due
 * time (then by insertion), and a single clock timer armed for its earliest entry. So 100,000
 * delayed tasks cost 100,000 heap entries and one timer, not 100,000 timers; adding or removing
 * one is O(log n). Removal is lazy (the entry is marked dead and dropped when it surfaces, or when
 * dead entries outnumber live ones), so a cancel never searches the heap.
 */
export class DueTimer<T> {
  private heap: Entry<T>[] = [];
  private readonly byKey = new Map<string, Entry<T>>();
  private seq = 0;
  private dead = 0;
  private armedAt: number | undefined;
  private disarm: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly onDue: (item: T, key: string) => void,
  ) {}

  /** Items waiting. */
  get size(): number {
    return this.byKey.size;
  }

  /** When the earliest item comes due, if any. */
  nextAt(): number | undefined {
    this.dropDeadTop();
    return this.heap[0]?.at;
  }

  /** When the item under `key` comes due, if it waits. */
  dueAt(key: string): number | undefined {
    return this.byKey.get(key)?.at;
  }

  /** Makes `item` come due at `at` (epoch ms), replacing whatever `key` waited for before. */
  set(key: string, item: T, at: number): void {
    if (this.stopped) return;
    this.kill(key);
    const entry: Entry<T> = { at, seq: this.seq++, key, item, live: true };
    this.byKey.set(key, entry);
    this.push(entry);
    this.rearm();
  }

  /** Forgets `key`; true if it was waiting. */
  delete(key: string): boolean {
    const had = this.kill(key);
    if (had) this.rearm();
    return had;
  }

  /** Forgets everything and disarms the timer for good (engine shutdown). */
  stop(): void {
    this.stopped = true;
    this.heap = [];
    this.byKey.clear();
    this.disarm?.();
    this.disarm = undefined;
    this.armedAt = undefined;
  }

  private kill(key: string): boolean {
    const entry = this.byKey.get(key);
    if (!entry) return false;
    entry.live = false;
    this.byKey.delete(key);
    this.dead++;
    // Many cancelled far-future entries would otherwise stay until their time: rebuild instead.
    if (this.dead > 1024 && this.dead > this.byKey.size) this.compact();
    return true;
  }

  private fire(): void {
    this.armedAt = undefined;
    this.disarm = undefined;
    const now = this.clock.now();
    for (;;) {
      this.dropDeadTop();
      const top = this.heap[0];
      if (!top || top.at > now || this.stopped) break;
      this.pop();
      this.byKey.delete(top.key);
      try {
        this.onDue(top.item, top.key);
      } catch {
        // One faulty handler must not stop the others from coming due.
      }
    }
    this.rearm();
  }

  private rearm(): void {
    if (this.stopped) return;
    const next = this.nextAt();
    if (next === this.armedAt) return;
    this.disarm?.();
    this.disarm = undefined;
    this.armedAt = next;
    if (next !== undefined) this.disarm = this.clock.setTimer(() => this.fire(), next - this.clock.now());
  }

  private dropDeadTop(): void {
    while (this.heap.length > 0 && !this.heap[0]!.live) {
      this.pop();
      this.dead--;
    }
  }

  private compact(): void {
    this.heap = this.heap.filter((entry) => entry.live);
    this.dead = 0;
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private push(entry: Entry<T>): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    this.siftDown(0);
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < heap.length && before(heap[left]!, heap[least]!)) least = left;
      if (right < heap.length && before(heap[right]!, heap[least]!)) least = right;
      if (least === i) return;
      [heap[i], heap[least]] = [heap[least]!, heap[i]!];
      i = least;
    }
  }
}

function before(a: Entry<unknown>, b: Entry<unknown>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
