import { ChannelAbortedError } from './channel-errors.js';
import type { ChannelReader } from './channel-types.js';

/**
 * Iterates a reader until its channel is completed and drained.
 *
 * Built on `waitToRead` + a `tryRead` loop rather than repeated `read()` calls so a
 * burst of queued items is yielded without allocating a promise per item, and so the
 * end of the channel is observed as `false` instead of as a thrown ChannelClosedError.
 * If the channel was completed with an error, `waitToRead` rejects with it and the
 * iteration throws it.
 *
 * @param reader - Source of items.
 * @param signal - Cancels the iteration with `ChannelAbortedError`, also between items.
 */
export async function* readAll<T>(
  reader: Pick<ChannelReader<T>, 'waitToRead' | 'tryRead'>,
  signal?: AbortSignal,
): AsyncGenerator<T, void, undefined> {
  while (await reader.waitToRead(signal)) {
    for (let next = reader.tryRead(); next.ok; next = reader.tryRead()) {
      yield next.value;
      // The consumer may have aborted while handling the item; honour it before
      // taking another one, or a busy channel would never notice the abort.
      if (signal?.aborted) throw new ChannelAbortedError(signal.reason);
    }
  }
}
