/** Zero entries are swept once there are at least this many (and they are half the map or more). */
const SWEEP_MIN = 256;

/**
 * Non-negative counts per key (a session's queued tasks, its submissions in flight), without
 * Map churn. A count that falls to zero keeps its entry for a while: V8 shrinks a Map's table when
 * a delete leaves it less than a quarter full, and grows it again at the next new key, each a
 * call into its runtime that allocates a new table. A map of a few dozen sessions that fill and
 * drain with every task did that for most tasks (~1 µs per POST /api/task/start in profiles).
 * Zero entries are dropped in one sweep once they are at least {@link SWEEP_MIN} and at least
 * half the map, so the map stays bounded by the keys counted recently.
 */
export class KeyCounts {
  private readonly counts = new Map<string, number>();
  /** Entries whose count is 0 (kept, see the class comment). */
  private zeros = 0;

  /** The count of `key` (0 when it has none). */
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Adds `delta` (negative to take away) to `key`'s count, never below 0; returns the new count. */
  add(key: string, delta: number): number {
    const before = this.counts.get(key);
    if (before === undefined && delta <= 0) return 0;
    const after = Math.max(0, (before ?? 0) + delta);
    if (after === before) return after;
    this.counts.set(key, after);
    if (before === 0) this.zeros--;
    else if (after === 0 && ++this.zeros >= SWEEP_MIN && this.zeros * 2 >= this.counts.size) this.sweep();
    return after;
  }

  /** Keys whose count is above 0. */
  get size(): number {
    return this.counts.size - this.zeros;
  }

  /** Entries held, zero ones included (what the sweep bounds). */
  get entries(): number {
    return this.counts.size;
  }

  private sweep(): void {
    for (const [key, count] of this.counts) if (count === 0) this.counts.delete(key);
    this.zeros = 0;
  }
}
