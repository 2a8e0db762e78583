import { randomFillSync } from 'node:crypto';

/**
 * Task ids: UUID version 7 (RFC 9562 §5.7), still plain UUID strings on the wire.
 *
 *   unix_ts_ms (48 bits) | ver = 7 (4) | rand_a: counter (12) | var = 0b10 (2) | rand_b (62, random)
 *
 * Ids of one process sort (as strings, and as bytes) in the order they were made: the timestamp
 * leads, and within one millisecond `rand_a` is a counter (RFC 9562 §6.2, method 1) that starts at
 * a random value below 2048 and is bumped for each id. When it runs out (> 2048 ids in one
 * millisecond) or the clock steps back, the timestamp is carried forward by one millisecond instead
 * of going back. Time order matters to the store: SQLite's primary-key B-tree then grows at its end
 * instead of at random places, and the oldest tasks (the ones the history limit forgets) sit
 * together.
 *
 * 62 random bits per id from the CSPRNG (drawn 4,096 ids at a time) keep ids unguessable enough to
 * serve, like the v4 ids before them, as opaque handles; they are not secrets.
 */
export function newTaskId(): string {
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    counter = randomByte() | ((randomByte() & 0x07) << 8); // 0…2047: room for ≥ 2048 more in this ms
  } else if (++counter > 0xfff) {
    lastMs++; // counter exhausted, or the clock went back: borrow from the next millisecond
    counter = 0;
  }
  ms = lastMs;
  // Written as character codes into one scratch array and made one flat string in a single call:
  // joining 20 pieces with `+` made a rope of ~20 cons strings per id (~600 bytes of garbage),
  // flattened again at its first use as a map key; a Buffer's `toString` is a call into C++ that
  // cost twice what `String.fromCharCode` does.
  const high = Math.floor(ms / 0x1000000); // 48-bit timestamp (2^48 ms is the year 10889)
  const low = ms % 0x1000000;
  hex(0, high >>> 16, 2);
  hex(2, high & 0xffff, 4);
  hex(6, low >>> 16, 2);
  ID[8] = DASH;
  hex(9, low & 0xffff, 4);
  ID[13] = DASH;
  ID[14] = SEVEN;
  hex(15, counter, 3);
  ID[18] = DASH;
  // Bytes 8-15: the variant (0b10) and 62 random bits.
  if (poolOffset + 8 > POOL.length) refill();
  const p = poolOffset;
  poolOffset += 8;
  hex(19, (POOL[p]! & 0x3f) | 0x80, 2);
  hex(21, POOL[p + 1]!, 2);
  ID[23] = DASH;
  for (let i = 2; i < 8; i++) hex(24 + (i - 2) * 2, POOL[p + i]!, 2);
  return String.fromCharCode.apply(null, ID);
}

/** Writes `value` as `digits` lower-case hex digits into {@link ID} at `at`. */
function hex(at: number, value: number, digits: number): void {
  for (let i = digits - 1; i >= 0; i--) {
    ID[at + i] = HEX_DIGITS[value & 0xf]!;
    value >>>= 4;
  }
}

const ID: number[] = new Array<number>(36).fill(0);
const DASH = 0x2d;
const SEVEN = 0x37;
const HEX_DIGITS: readonly number[] = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));

/** The creation time (epoch ms) a UUIDv7 carries, or undefined for another id. */
export function taskIdTime(id: string): number | undefined {
  if (!UUID_V7.test(id)) return undefined;
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

/** A UUID of version 7 and variant 0b10, lower case. */
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let lastMs = -1;
let counter = 0;

// 4,096 ids per refill: a refill is a call into the CSPRNG, whose fixed cost showed in profiles at 256.
const POOL = Buffer.alloc(8 * 4096);
let poolOffset = POOL.length;

function refill(): void {
  randomFillSync(POOL);
  poolOffset = 0;
}

function randomByte(): number {
  if (poolOffset >= POOL.length) refill();
  return POOL[poolOffset++]!;
}

