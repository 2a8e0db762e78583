import { ChannelCore, type ChannelCoreOptions } from './channel-core.js';
import { ChannelCoreReader } from './channel-core-reader.js';
import { ChannelCoreWriter } from './channel-core-writer.js';
import type { Channel } from './channel-types.js';

/**
 * Builds a channel over a fresh {@link ChannelCore}: the one place where the shared
 * state is split into its reader and writer capabilities.
 *
 * @param options - Already validated configuration.
 */
export function channelFromCore<T>(options: ChannelCoreOptions<T>): Channel<T> {
  const core = new ChannelCore<T>(options);
  return { reader: new ChannelCoreReader(core), writer: new ChannelCoreWriter(core) };
}
