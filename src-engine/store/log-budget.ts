/** Limits of one task's stored log. */
export interface LogLimits {
  /** Bytes (roughly: characters plus a per-line overhead) of the first lines, always kept. Default 2 MiB. */
  headBytes: number;
  /** Bytes of the latest lines kept once the head is full; older ones are dropped. Default 8 MiB. */
  tailBytes: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { headBytes: 2 * 1024 * 1024, tailBytes: 8 * 1024 * 1024 };

/** Longest line kept, in characters; longer ones are cut (runners split them before). */
export const MAX_LOG_LINE_CHARS = 8192;

/** What a line costs against the budget: its text plus what a row costs besides (seq, time, stream). */
export function lineCost(text: string): number {
  return text.length + 64;
}

/** Where an appended line goes. */
export type Placement =
  | { readonly part: 'head' }
  /** In the tail; lines numbered up to `evictThrough` (and above the head) must be dropped. */
  | { readonly part: 'tail'; readonly evictThrough: number | undefined };

/**
 * Keeps one task's log bounded: the first lines (the head, where programs say what they are
 * about to do) are kept up to a budget, then only the latest lines (the tail, where they say how
 * it ended) within another budget; the lines in between are dropped, and a marker line says so.
 * Memory is one small entry per tail line.
 */
export class LogBudget {
  private headUsed = 0;
  /** Seq of the marker line once the head is full; lines above it belong to the tail. */
  headEnd: number | undefined;
  private readonly tailSeqs: number[] = [];
  private readonly tailCosts: number[] = [];
  private tailStart = 0;
  private tailUsed = 0;
  /** Highest tail seq dropped so far (0: none). */
  evictedThrough = 0;

  constructor(
    private readonly limits: LogLimits,
    usedBefore = 0,
  ) {
    this.headUsed = usedBefore;
  }

  /** True when the next line would overflow the head: the caller writes the marker line first. */
  needsMarker(cost: number): boolean {
    return this.headEnd === undefined && this.headUsed + cost > this.limits.headBytes;
  }

  /** Records the marker line's seq: from now on lines go to the tail. */
  markCut(seq: number): void {
    this.headEnd = seq;
  }

  place(seq: number, cost: number): Placement {
    if (this.headEnd === undefined) {
      this.headUsed += cost;
      return { part: 'head' };
    }
    this.tailSeqs.push(seq);
    this.tailCosts.push(cost);
    this.tailUsed += cost;
    let evicted: number | undefined;
    while (this.tailUsed > this.limits.tailBytes && this.tailStart < this.tailSeqs.length) {
      this.tailUsed -= this.tailCosts[this.tailStart]!;
      evicted = this.tailSeqs[this.tailStart]!;
      this.tailStart++;
    }
    // Compact now and then so the arrays hold about the live tail only.
    if (this.tailStart > 4096 && this.tailStart * 2 > this.tailSeqs.length) {
      this.tailSeqs.splice(0, this.tailStart);
      this.tailCosts.splice(0, this.tailStart);
      this.tailStart = 0;
    }
    if (evicted !== undefined) this.evictedThrough = evicted;
    return { part: 'tail', evictThrough: evicted };
  }

  /** Whether line `seq` has been dropped from the middle. */
  isEvicted(seq: number): boolean {
    return this.headEnd !== undefined && seq > this.headEnd && seq <= this.evictedThrough;
  }
}

/** The marker line written where a log is cut. */
export function cutMarkerText(limits: LogLimits): string {
  const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
  return `[task-monitor] The log is over its limit: the first ${mib(limits.headBytes)} are kept above this line, and only the latest ${mib(limits.tailBytes)} below it (line numbers skip what was dropped).`;
}
