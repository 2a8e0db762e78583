// Child process: the BullMQ producer. Opens a Queue (its event stream long enough that no progress
// event is trimmed before the observer reads it) and adds jobs with addBulk, in chunks.
import { Queue } from 'bullmq';
import { serveCommands } from '../lib/common.mjs';

let queue;

serveCommands({
  /** Opens the queue and waits until its meta (the events stream's length) is written. */
  async prepare({ port, name, maxLenEvents }) {
    queue = new Queue(name, { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null }, streams: { events: { maxLen: maxLenEvents } } });
    await queue.waitUntilReady();
    await queue.getVersion(); // resolves once the queue's meta hash (opts.maxLenEvents) is in Redis
    return { type: 'prepared' };
  },

  /** Adds `count` jobs named `job`, `chunk` per addBulk call, awaited one after the other. */
  async add({ count, chunk, data, opts }) {
    const started = performance.now();
    for (let first = 0; first < count; first += chunk) {
      const size = Math.min(chunk, count - first);
      await queue.addBulk(Array.from({ length: size }, () => ({ name: 'job', data, opts })));
    }
    return { type: 'added', ms: performance.now() - started };
  },

  async close() {
    await queue?.close();
    queue = undefined;
    return { type: 'closed' };
  },
});
