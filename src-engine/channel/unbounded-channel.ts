import { channelFromCore } from './channel-from-core.js';
import type { Channel } from './channel-types.js';

/**
 * Creates a channel with no capacity limit: writes never wait and `tryWrite` only
 * fails once the channel is completed. Memory grows with the backlog, so prefer a
 * bounded channel when producers can outpace consumers indefinitely.
 */
export function createUnboundedChannel<T>(): Channel<T> {
  // An infinite capacity is never reached, so the full mode is never consulted.
  return channelFromCore<T>({ capacity: Infinity, fullMode: 'wait', onItemDropped: undefined });
}
