/** The queue's state in a few words, for the header. */
import type { QueueStateDto } from '../protocol.js';

/** The kinds (jobs) paused on their own, in the server's order. */
export function pausedKinds(queue: QueueStateDto | null): string[] {
  return queue === null ? [] : queue.kinds.filter((kind) => kind.paused).map((kind) => kind.kind);
}

