import { channelFromCore } from './channel-from-core.js';
import { InvalidChannelOptionsError } from './channel-errors.js';
import type { Channel } from './channel-types.js';
import { PriorityQueue } from './priority-queue.js';

/** Options of {@link createPriorityChannel}. */
export interface PriorityChannelOptions<T> {
  /** Maximum queued items (an integer >= 1), or `Infinity`. Writers wait when it is reached. */
  capacity: number;
  /** Higher is read first; read once, when the item is written. */
  priorityOf: (item: T) => number;
}

/**
 * A channel whose reader gets the highest-priority item first, and items of equal priority in
 * the order they were written. Full mode is always `'wait'`: dropping by priority would be a
 * policy of its own, and the engine only needs back-pressure.
 */
export function createPriorityChannel<T>(options: PriorityChannelOptions<T>): Channel<T> {
  const { capacity, priorityOf } = options;
  if (capacity !== Infinity && (!Number.isSafeInteger(capacity) || capacity < 1)) {
    throw new InvalidChannelOptionsError(`Priority channel capacity must be an integer >= 1 or Infinity (got ${String(capacity)}).`);
  }
  if (typeof priorityOf !== 'function') throw new InvalidChannelOptionsError('Priority channel priorityOf must be a function.');
  return channelFromCore<T>({ capacity, fullMode: 'wait', onItemDropped: undefined, createQueue: () => new PriorityQueue(priorityOf) });
}
