// Child process: a BullMQ QueueEvents listener counting 'progress' events. It reads the queue's
// event stream from its start (a fresh queue per run), so that no event written before its first
// XREAD is missed; says `done` once it has seen `expected`.
import { QueueEvents } from 'bullmq';
import { serveCommands } from '../lib/common.mjs';

let events;

serveCommands({
  async listen({ port, name, expected }) {
    let seen = 0;
    events = new QueueEvents(name, { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null }, lastEventId: '0-0' });
    events.on('progress', () => {
      if (++seen === expected) process.send({ type: 'done', seen });
    });
    events.on('error', (error) => process.send({ type: 'error', message: `queue events: ${error?.message}` }));
    await events.waitUntilReady();
    return { type: 'listening' };
  },

  async close() {
    await events?.close();
    events = undefined;
    return { type: 'closed' };
  },
});
