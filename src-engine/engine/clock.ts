/**
 * Time as the engine, the scheduler and the queue gate see it: the wall clock and one-shot timers.
 * Injectable so that tests can jump days ahead (a simulated downtime, a DST change) instantly.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` after about `ms` (never before, on the system clock); answers the cancel. */
  setTimer(fn: () => void, ms: number): () => void;
}

/**
 * Longest single wait: Node's setTimeout overflows past 2^31-1 ms (~24.8 days) and fires at once,
 * and a wall clock set forward (or a laptop waking up) should be noticed within a minute, so long
 * waits are cut into steps and the due time is checked again after each.
 */
export const MAX_TIMER_STEP_MS = 60_000;

/** The real clock: `Date.now` and unref'd timers (a pending timer never keeps the process alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const timer = setTimeout(fn, Math.max(0, Math.min(ms, MAX_TIMER_STEP_MS)));
    timer.unref();
    return () => clearTimeout(timer);
  },
};
