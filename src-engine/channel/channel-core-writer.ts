import type { ChannelCore } from './channel-core.js';
import type { ChannelWriter } from './channel-types.js';

/**
 * The writing capability of a {@link ChannelCore}. A separate object from the reader
 * so that handing out a writer does not hand out the power to consume items.
 */
export class ChannelCoreWriter<T> implements ChannelWriter<T> {
  /** @param core - Shared channel state. */
  constructor(private readonly core: ChannelCore<T>) {}

  /** @inheritDoc */
  tryWrite(item: T): boolean {
    return this.core.tryWrite(item);
  }

  /** @inheritDoc */
  write(item: T, signal?: AbortSignal): Promise<void> {
    return this.core.write(item, signal);
  }

  /** @inheritDoc */
  waitToWrite(signal?: AbortSignal): Promise<boolean> {
    return this.core.waitToWrite(signal);
  }

  /** @inheritDoc */
  tryComplete(error?: Error): boolean {
    return this.core.tryComplete(error);
  }

  /** @inheritDoc */
  complete(error?: Error): void {
    this.core.complete(error);
  }
}
