// 2. Fan-out: progress deliveries per second from our server to N WebSocket clients of one session
// (clients in a child process), against a bare `ws` server sending the same pre-serialised frames
// with the same pacing.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { startTaskMonitor } from '../out/engine/launcher/start-task-monitor.js';
import { toTaskDto } from '../out/engine/server/task-dto.js';
import { AckGate, fanoutKind } from './lib/bench-kinds.mjs';
import { alternate, Child, emitResult, log, QUICK } from './lib/common.mjs';

const CLIENT_COUNTS = [10, 100, 1000];
const DELIVERIES = QUICK ? 100_000 : 400_000; // per measurement
const IN_FLIGHT = 4000; // frames not yet acknowledged, across all clients
const ROUNDS = QUICK ? 2 : 3;
const SESSION = 'fanout';

const gate = new AckGate();

/** The frames the bare server sends: exactly what ours sends for the same ticks. */
function preSerialisedFrames(rounds) {
  const now = Date.now();
  const record = {
    id: '6f1c1c52-3c1e-4d4e-9a55-0a6c4f3b2e11',
    name: 'fan-out',
    kind: 'bench-fanout',
    parameters: { rounds, window: 1 },
    clientId: SESSION,
    state: 'running',
    progress: 0,
    statusText: '',
    result: null,
    error: null,
    createdAt: now,
    startedAt: now,
    completedAt: null,
    attempt: 1,
    maxAttempts: 1,
    priority: 0,
    runAt: null,
  };
  const frames = new Array(rounds + 1);
  for (let round = 1; round <= rounds; round++) {
    record.progress = (round / rounds) * 99;
    record.statusText = `Processing step ${round}/${rounds}`;
    const message = { type: 'taskProgress', data: toTaskDto(record), timestamp: new Date().toISOString(), seq: round + 2 };
    frames[round] = Buffer.from(JSON.stringify(message));
  }
  return frames;
}

async function withClients(url, count, prelude, body) {
  const child = new Child('clients/fanout-clients.mjs');
  const off = child.on((message) => message.type === 'ack' && gate.ack(message.round));
  try {
    await child.ask({ type: 'open', url, count, prelude }, 'opened', 120_000);
    return await body(child);
  } finally {
    off();
    await child.ask({ type: 'close' }, 'closed', 10_000).catch(() => undefined);
    await child.stop();
  }
}

/** Tells the client process what to count; resolves (once it listens) with `{ done }`. */
async function expectFrames(child, spec) {
  const done = child.next('done', 120_000);
  await child.ask({ type: 'expect', ...spec }, 'listening');
  return { done };
}

/** Our server: one task reporting `rounds` ticks to `count` sockets of its session. */
async function oursRun(count) {
  const rounds = Math.ceil(DELIVERIES / count);
  const window = Math.max(2, Math.floor(IN_FLIGHT / count));
  const monitor = await startTaskMonitor({ port: 0, uiDir: null, logLevel: 'silent', inMemory: true });
  monitor.engine.registerKind(fanoutKind(gate));
  try {
    const wsUrl = `${monitor.url.replace('http', 'ws')}/ws?sessionId=${SESSION}`;
    return await withClients(wsUrl, count, 2, async (child) => {
      gate.reset();
      // taskQueued and Running come before the ticks; Completed after.
      const { done } = await expectFrames(child, { offset: 2, rounds, trailing: 1 });
      return measure(done, async () => {
        const outcome = await monitor.engine.submit({ name: 'fan-out', clientId: SESSION, kind: 'bench-fanout', parameters: { rounds, window } });
        if (!outcome.ok) throw new Error(outcome.message);
      }, count * rounds);
    });
  } finally {
    await monitor.close();
  }
}

/** Bare ws: the same frames, the same pacing (one round per turn, same window), no engine. */
async function bareRun(count) {
  const rounds = Math.ceil(DELIVERIES / count);
  const window = Math.max(2, Math.floor(IN_FLIGHT / count));
  const frames = preSerialisedFrames(rounds);
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false });
  const sockets = [];
  wss.on('connection', (socket) => sockets.push(socket));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const wsUrl = `ws://127.0.0.1:${server.address().port}/ws`;
    return await withClients(wsUrl, count, 0, async (child) => {
      gate.reset();
      const { done } = await expectFrames(child, { offset: 0, rounds, trailing: 0 });
      return measure(done, async () => {
        for (let round = 1; round <= rounds; round++) {
          const frame = frames[round];
          for (const socket of sockets) socket.send(frame, { binary: false });
          if (round - gate.acked >= window) await gate.until(round - window + 1);
          else await new Promise((resolve) => setImmediate(resolve));
        }
      }, count * rounds);
    });
  } finally {
    for (const socket of sockets) socket.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Deliveries per second from the start of `produce` until the client process reports `done`. */
async function measure(done, produce, deliveries) {
  const started = performance.now();
  await produce();
  await done;
  return deliveries / ((performance.now() - started) / 1000);
}

const rows = [];
// Warm-up (JIT, sockets) on both sides.
await bareRun(100);
await oursRun(100);
for (const count of QUICK ? [10, 1000] : CLIENT_COUNTS) {
  const result = await alternate({ bare: () => bareRun(count), ours: () => oursRun(count) }, ROUNDS, `fan-out ×${count}`);
  rows.push({
    id: `fanout-${count}`,
    section: 'Fan-out',
    measure: `progress deliveries/s to ${count.toLocaleString('en-US')} clients of one session`,
    ours: result.ours.median,
    baseline: result.bare.median,
    baselineName: 'bare ws, same frames',
    unit: 'msg/s',
    target: { ratio: 0.8 },
    samples: result,
  });
}
log('every run counted every frame at every client: 0 lost (a missing frame would stall the run)');
emitResult({ rows });
