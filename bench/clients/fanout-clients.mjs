// Child process: N WebSocket clients that count frames (no parsing: the cheapest possible reader,
// identical for our server and the bare baseline) and acknowledge rounds to the parent.
import WebSocket from 'ws';
import { serveCommands } from '../lib/common.mjs';

let sockets = [];

/**
 * Opens `count` sockets, `batch` at a time, and resolves once each has received `prelude` frames;
 * with `many`, socket i is on its own session `fanout-i`.
 */
async function openAll(url, count, many, prelude, batch = 100) {
  const opened = [];
  for (let start = 0; start < count; start += batch) {
    const group = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      group.push(
        new Promise((resolve, reject) => {
          const socket = new WebSocket(sessionUrl(url, many ? `fanout-${i}` : 'fanout'), { perMessageDeflate: false });
          socket.frames = 0;
          let greeted = prelude === 0;
          socket.on('message', () => {
            socket.frames++;
            if (!greeted && socket.frames >= prelude) {
              greeted = true;
              resolve(socket);
            }
          });
          socket.once('open', () => greeted && resolve(socket));
          socket.once('error', reject);
        }),
      );
    }
    opened.push(...(await Promise.all(group)));
  }
  return opened;
}

/** `url` with `?sessionId=`: its own when it names one (a caller's session), else `fallback`. */
function sessionUrl(url, fallback) {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('sessionId')) parsed.searchParams.set('sessionId', fallback);
  return parsed.href;
}

serveCommands({
  async open({ url, count, many, prelude }) {
    sockets = await openAll(url, count, many, prelude);
    for (const socket of sockets) socket.removeAllListeners('message');
    return { type: 'opened', count: sockets.length };
  },

  /**
   * Counts frames from now on: round r is complete when every socket has seen `offset + r`
   * frames; the parent hears the highest complete round (at most once per turn of the loop) and
   * `done` once every socket has seen `offset + rounds + trailing` frames.
   */
  async expect({ offset, rounds, trailing }) {
    const n = sockets.length;
    const reached = new Uint32Array(rounds + 2);
    const total = offset + rounds + trailing;
    let acked = 0;
    let ackScheduled = false;
    let complete = 0;
    const flushAck = () => {
      ackScheduled = false;
      process.send({ type: 'ack', round: acked });
    };
    return new Promise((resolve) => {
      for (const socket of sockets) {
        let frames = 0;
        socket.on('message', () => {
          frames++;
          const round = frames - offset;
          if (round >= 1 && round <= rounds && ++reached[round] === n && round === acked + 1) {
            while (acked < rounds && reached[acked + 1] === n) acked++;
            if (!ackScheduled) {
              ackScheduled = true;
              setImmediate(flushAck);
            }
          }
          if (frames === total && ++complete === n) resolve({ type: 'done', frames: n * total });
        });
      }
      process.send({ type: 'listening' });
    });
  },

  async close() {
    for (const socket of sockets) socket.terminate();
    sockets = [];
    return { type: 'closed' };
  },
});
