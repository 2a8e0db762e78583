import { addressBucket } from './network-address.js';

/** Options of {@link FailureLimiter}. */
export interface FailureLimiterOptions {
  /** Failed attempts allowed per window; the next attempt is refused until the window ends. */
  maxFailures: number;
  /** Length of the window, in ms, counted from the first failure. */
  windowMs: number;
  /** Peers remembered at most; beyond it the oldest are forgotten (memory stays bounded). */
  maxTracked?: number;
  now?: () => number;
}

interface Window {
  startedAt: number;
  failures: number;
}

/**
 * Counts failed credential attempts (bad pairing code, bad token) per remote address and blocks
 * an address that failed too often, so secrets cannot be guessed at network speed. IPv6 peers
 * are counted per /64. A block answers 429 with Retry-After until the window that filled ends.
 */
export class FailureLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly maxTracked: number;
  private readonly now: () => number;

  constructor(private readonly options: FailureLimiterOptions) {
    this.maxTracked = options.maxTracked ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Seconds until the address may try again; 0 when it is not blocked. */
  retryAfterSeconds(address: string | undefined): number {
    const key = addressBucket(address);
    const window = this.windows.get(key);
    if (!window) return 0;
    const endsAt = window.startedAt + this.options.windowMs;
    const now = this.now();
    if (now >= endsAt) {
      this.windows.delete(key);
      return 0;
    }
    return window.failures >= this.options.maxFailures ? Math.max(1, Math.ceil((endsAt - now) / 1000)) : 0;
  }

  /** Records one failure; answers true when this failure started a block. */
  fail(address: string | undefined): boolean {
    const key = addressBucket(address);
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now >= window.startedAt + this.options.windowMs) {
      this.windows.delete(key);
      this.makeRoom(now);
      window = { startedAt: now, failures: 0 };
      this.windows.set(key, window);
    }
    window.failures++;
    return window.failures === this.options.maxFailures;
  }

  /**
   * Blocks an address bucket until `until` (ms since the epoch), as if it had failed too often
   * here: another node saw the failures. A longer block already in place is kept.
   */
  blockUntil(bucket: string, until: number): void {
    const now = this.now();
    if (until <= now) return;
    const window = this.windows.get(bucket);
    const startedAt = until - this.options.windowMs;
    if (window && window.failures >= this.options.maxFailures && window.startedAt >= startedAt) return;
    this.windows.delete(bucket);
    this.makeRoom(now);
    this.windows.set(bucket, { startedAt, failures: this.options.maxFailures });
  }

  /** Peers currently remembered (for tests and diagnostics). */
  get tracked(): number {
    return this.windows.size;
  }

  private makeRoom(now: number): void {
    if (this.windows.size < this.maxTracked) return;
    for (const [key, window] of this.windows) {
      if (now >= window.startedAt + this.options.windowMs) this.windows.delete(key);
    }
    // Still full: forget the oldest windows (Map keeps insertion order). An attacker with many
    // addresses can only make us forget its own earlier failures, never block someone else.
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxTracked) break;
      this.windows.delete(key);
    }
  }
}
