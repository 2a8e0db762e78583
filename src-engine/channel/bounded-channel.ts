import { channelFromCore } from './channel-from-core.js';
import { InvalidChannelOptionsError } from './channel-errors.js';
import type { BoundedChannelFullMode, BoundedChannelOptions, Channel } from './channel-types.js';

const FULL_MODES: readonly BoundedChannelFullMode[] = [
  'wait',
  'drop-oldest',
  'drop-newest',
  'drop-write',
];

/**
 * Creates a channel holding at most `options.capacity` items; what happens to writes
 * beyond that is decided by `options.fullMode` (default `'wait'`).
 *
 * @throws InvalidChannelOptionsError (a `RangeError`, code `ERR_INVALID_CHANNEL_OPTIONS`)
 *   if `capacity` is not an integer >= 1, `fullMode` is unknown, or `onItemDropped`
 *   is not a function.
 */
export function createBoundedChannel<T>(options: BoundedChannelOptions<T>): Channel<T> {
  const { capacity, fullMode = 'wait', onItemDropped } = options;
  validateCapacity(capacity);
  validateFullMode(fullMode);
  validateOnItemDropped(onItemDropped);
  return channelFromCore<T>({ capacity, fullMode, onItemDropped });
}

/** Rejects capacities that would make the channel useless or its bookkeeping unsound. */
function validateCapacity(capacity: number): void {
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw new InvalidChannelOptionsError(
      `Bounded channel capacity must be an integer >= 1 (got ${String(capacity)}); ` +
        'use createUnboundedChannel() for a channel without a limit.',
    );
  }
}

/** Guards JavaScript callers and untyped config from silently getting 'wait'. */
function validateFullMode(fullMode: string): void {
  if (!(FULL_MODES as readonly string[]).includes(fullMode)) {
    throw new InvalidChannelOptionsError(
      `Bounded channel fullMode must be one of ${FULL_MODES.map((m) => `'${m}'`).join(', ')} ` +
        `(got ${JSON.stringify(fullMode)}).`,
    );
  }
}

/** Fails at construction rather than on the first dropped item. */
function validateOnItemDropped(onItemDropped: unknown): void {
  if (onItemDropped !== undefined && typeof onItemDropped !== 'function') {
    throw new InvalidChannelOptionsError(
      `Bounded channel onItemDropped must be a function when provided (got ${typeof onItemDropped}).`,
    );
  }
}
