/**
 * A run's writes to Redis, one at a time and in the order they were made: a progress tick must not
 * overtake `Running`, nor the final state a tick. A run that reports faster than Redis answers has
 * its excess ticks merged (the latest wins), never its state changes.
 */
export class OrderedWrites {
  private tail: Promise<void> = Promise.resolve();
  private pendingTick: (() => Promise<unknown>) | undefined;
  private queuedTicks = 0;

  constructor(private readonly maxQueuedTicks = 64) {}

  /** A progress tick: queued, or merged into the last queued one when too many wait. */
  tick(write: () => Promise<unknown>): void {
    if (this.queuedTicks >= this.maxQueuedTicks) {
      this.pendingTick = write; // the last queued tick runs this one instead
      return;
    }
    this.queuedTicks++;
    this.tail = this.tail.then(async () => {
      this.queuedTicks--;
      // The last queued tick writes the newest one reported meanwhile, if any.
      const latest = this.queuedTicks === 0 && this.pendingTick ? this.pendingTick : write;
      if (this.queuedTicks === 0) this.pendingTick = undefined;
      await latest().catch(() => undefined); // a lost tick is superseded by the next change
    });
  }

  /** A state change: runs after everything before it; its outcome is the caller's. */
  change<T>(write: () => Promise<T>): Promise<T> {
    const result = this.tail.then(write);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves once every write made so far is done. */
  flush(): Promise<void> {
    return this.tail;
  }
}
