/**
 * When to try reconnecting: capped exponential backoff with full jitter
 * (delay drawn uniformly from [0, min(cap, base * factor^attempt)]), so many clients that lost
 * the same server do not all come back at the same instant.
 */

/** Tuning of {@link reconnectDelay}. */
export interface ReconnectOptions {
  /** Ceiling of the first retry's delay, ms. */
  baseMs: number;
  /** Growth of the ceiling per failed attempt. */
  factor: number;
  /** The ceiling never exceeds this, ms. */
  capMs: number;
  /** Lower bound of every delay, ms, so a retry never spins. */
  minMs: number;
}

/** Defaults: 0.25-0.5 s at first, then up to 15 s between attempts. */
export const DEFAULT_RECONNECT: ReconnectOptions = { baseMs: 500, factor: 2, capMs: 15_000, minMs: 250 };

/** The ceiling of the delay before retry number `attempt` (0 for the first retry after a drop). */
export function backoffCeiling(attempt: number, options: ReconnectOptions = DEFAULT_RECONNECT): number {
  const n = Math.max(0, Math.floor(attempt));
  // Stop multiplying once the cap is reached (avoids Infinity for huge attempts).
  const exponent = Math.min(n, Math.ceil(Math.log(options.capMs / options.baseMs) / Math.log(options.factor)) + 1);
  return Math.max(options.minMs, Math.min(options.capMs, options.baseMs * options.factor ** exponent));
}

/**
 * The delay before retry number `attempt`: full jitter over [minMs, ceiling].
 * @param random a source of numbers in [0, 1), injectable for tests.
 */
export function reconnectDelay(attempt: number, options: ReconnectOptions = DEFAULT_RECONNECT, random: () => number = Math.random): number {
  const ceiling = backoffCeiling(attempt, options);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(options.minMs + r * (ceiling - options.minMs));
}
