/**
 * A bounded sketch of durations: counts in log-scale buckets, each 25 % wider than the one
 * before, from 10 ms up (bucket 0 holds everything up to 10 ms; the last, 80, everything from
 * about 6.8 days). A quantile is reported as the geometric middle of the bucket it falls in, so
 * it is within about 12 % of the true sample (sqrt(1.25) - 1) whatever the number of tasks, and a
 * minute's sketch never holds more than 81 numbers.
 */
export type DurationSketch = Map<number, number>;

const BASE_MS = 10;
const GROWTH = 1.25;
const LOG_GROWTH = Math.log(GROWTH);
const LAST_BUCKET = 80;

/** The bucket a duration (ms) falls in. */
export function bucketOf(ms: number): number {
  if (!(ms > BASE_MS)) return 0;
  return Math.min(LAST_BUCKET, Math.ceil(Math.log(ms / BASE_MS) / LOG_GROWTH));
}

/** The value (ms) reported for a bucket: the geometric middle of its bounds. */
export function bucketValue(bucket: number): number {
  return bucket === 0 ? BASE_MS / 2 : BASE_MS * GROWTH ** (bucket - 0.5);
}

/** Adds one duration (ms). */
export function addDuration(sketch: DurationSketch, ms: number): void {
  const bucket = bucketOf(ms);
  sketch.set(bucket, (sketch.get(bucket) ?? 0) + 1);
}

/** Adds every count of `from` into `into`. */
export function mergeSketch(into: DurationSketch, from: DurationSketch): void {
  for (const [bucket, count] of from) into.set(bucket, (into.get(bucket) ?? 0) + count);
}

/** The q-quantile (0 < q <= 1, nearest rank) in ms, or null for an empty sketch. */
export function quantile(sketch: DurationSketch, q: number): number | null {
  let total = 0;
  for (const count of sketch.values()) total += count;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const bucket of [...sketch.keys()].sort((a, b) => a - b)) {
    seen += sketch.get(bucket)!;
    if (seen >= rank) return bucketValue(bucket);
  }
  return bucketValue(LAST_BUCKET);
}

/** Compact text for storage: `{"bucket":count,...}`. */
export function encodeSketch(sketch: DurationSketch): string {
  return JSON.stringify(Object.fromEntries(sketch));
}

/** Reads {@link encodeSketch}'s text; anything malformed reads as empty. */
export function decodeSketch(text: string): DurationSketch {
  const sketch: DurationSketch = new Map();
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    for (const [bucket, count] of Object.entries(parsed)) {
      const index = Number(bucket);
      if (Number.isInteger(index) && index >= 0 && index <= LAST_BUCKET && typeof count === 'number' && count > 0) sketch.set(index, count);
    }
  } catch {
    // a damaged row costs its percentiles, never the rest
  }
  return sketch;
}
