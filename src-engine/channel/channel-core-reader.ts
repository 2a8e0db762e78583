import type { ChannelCore } from './channel-core.js';
import type { ChannelReader, TryReadResult } from './channel-types.js';
import { readAll } from './read-all.js';

/**
 * The reading capability of a {@link ChannelCore}. A separate object from the writer
 * so that handing out a reader does not hand out the power to write or complete.
 */
export class ChannelCoreReader<T> implements ChannelReader<T> {
  /** @param core - Shared channel state. */
  constructor(private readonly core: ChannelCore<T>) {}

  /** @inheritDoc */
  get completion(): Promise<void> {
    return this.core.completion;
  }

  /** @inheritDoc */
  get count(): number {
    return this.core.count;
  }

  /** @inheritDoc */
  tryRead(): TryReadResult<T> {
    return this.core.tryRead();
  }

  /** @inheritDoc */
  read(signal?: AbortSignal): Promise<T> {
    return this.core.read(signal);
  }

  /** @inheritDoc */
  waitToRead(signal?: AbortSignal): Promise<boolean> {
    return this.core.waitToRead(signal);
  }

  /** @inheritDoc */
  readAll(signal?: AbortSignal): AsyncGenerator<T, void, undefined> {
    return readAll(this, signal);
  }

  /** @inheritDoc */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return readAll(this);
  }
}
