/**
 * Small helpers shared by the channel tests.
 *
 * @packageDocumentation
 */

/** Observable settlement state of a promise. */
export type PromiseState = 'pending' | 'fulfilled' | 'rejected';

/**
 * Lets every queued microtask and one macrotask turn run, so anything the code under
 * test could settle "immediately" has settled by the time this resolves.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Reports whether `promise` has settled after letting pending work run. Attaching the
 * handlers here also marks the promise as handled, so probing a promise that later
 * rejects cannot trigger an unhandled-rejection failure.
 */
export async function promiseState(promise: Promise<unknown>): Promise<PromiseState> {
  let state: PromiseState = 'pending';
  promise.then(
    () => (state = 'fulfilled'),
    () => (state = 'rejected'),
  );
  await settle();
  return state;
}

/**
 * Seeded pseudo-random generator (mulberry32) returning floats in [0, 1). Stress tests
 * use it so that a failing interleaving can be reproduced from its seed.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
