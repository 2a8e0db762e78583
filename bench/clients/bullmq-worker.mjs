// Child process: one BullMQ Worker. No-op jobs, or jobs that report `ticks` progress updates
// (job.updateProgress, awaited: each one is written to Redis and to the queue's event stream).
// Says `done` once `expected` jobs completed; a failed job is an error, never a silent loss.
import { Worker } from 'bullmq';
import { serveCommands } from '../lib/common.mjs';

let worker;

serveCommands({
  async start({ port, name, concurrency, expected, ticks = 0 }) {
    const processor =
      ticks > 0
        ? async (job) => {
            for (let tick = 1; tick <= ticks; tick++) await job.updateProgress(tick);
          }
        : async () => undefined;
    let completed = 0;
    worker = new Worker(name, processor, { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null }, concurrency });
    worker.on('completed', () => {
      if (++completed === expected) process.send({ type: 'done', completed });
    });
    worker.on('failed', (job, error) => process.send({ type: 'error', message: `job ${job?.id} failed: ${error?.message}` }));
    worker.on('error', (error) => process.send({ type: 'error', message: `worker: ${error?.message}` }));
    await worker.waitUntilReady();
    return { type: 'ready' };
  },

  async close() {
    await worker?.close();
    worker = undefined;
    return { type: 'closed' };
  },
});
