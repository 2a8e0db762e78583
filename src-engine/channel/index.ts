/**
 * Async channels in the spirit of .NET `System.Threading.Channels`: a FIFO queue with
 * a reader side and a writer side, where readers can wait for items and writers can
 * wait for space, with `AbortSignal` cancellation throughout.
 *
 * @packageDocumentation
 */

export { createBoundedChannel } from './bounded-channel.js';
export { createUnboundedChannel } from './unbounded-channel.js';
export { createPriorityChannel, type PriorityChannelOptions } from './priority-channel.js';
export {
  ChannelAbortedError,
  ChannelClosedError,
  InvalidChannelOptionsError,
  type ChannelErrorCode,
} from './channel-errors.js';
export type {
  BoundedChannelFullMode,
  BoundedChannelOptions,
  Channel,
  ChannelReader,
  ChannelWriter,
  TryReadResult,
} from './channel-types.js';
