// 2. Fan-out: progress deliveries per second, and server CPU per delivery, from our server to N
// WebSocket clients (clients in a child process), against a bare `ws` server with the same pacing.
//
// Two shapes, each with our in-memory store and with the SQLite store:
// - one session: one task reporting to N sockets of its session; the bare server sends the same
//   pre-serialised frames (what ours has to do at best: one message, N writes);
// - many sessions: N sockets each on its own session, with one task each; the bare server
//   serialises each session's message once per send, with the same DTO and shape as ours (there is
//   nothing to share between sessions, so that is the least any server does).
// The server runs in this process (ours and bare alike): its CPU is process.cpuUsage() over the
// measurement, divided by the deliveries.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { startTaskMonitor } from '../out/engine/launcher/start-task-monitor.js';
import { toTaskDto } from '../out/engine/server/task-dto.js';
import { AckGate, fanoutKind } from './lib/bench-kinds.mjs';
import { Child, emitResult, formatNumber, log, median, QUICK } from './lib/common.mjs';

const CLIENT_COUNTS = QUICK ? [10, 1000] : [10, 100, 1000];
const DELIVERIES = QUICK ? 100_000 : 400_000; // per measurement
const IN_FLIGHT = 4000; // frames not yet acknowledged, across all clients
const ROUNDS = QUICK ? 2 : 3;
const SESSION = 'fanout';
/** Targets, as ratios to bare ws measured in the same run. */
const RATE_TARGET = 0.95;
const CPU_TARGET = 1.5;

const gate = new AckGate();
const sessionOf = (many, i) => (many ? `${SESSION}-${i}` : SESSION);

function taskRecord(session, rounds) {
  const now = Date.now();
  return {
    id: '6f1c1c52-3c1e-4d4e-9a55-0a6c4f3b2e11',
    name: 'fan-out',
    kind: 'bench-fanout',
    parameters: { rounds, window: 1 },
    clientId: session,
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
}

/** One session's tick `round`, as ours sends it (taskQueued and Running came first: seq + 2). */
function tickFrame(record, round, rounds) {
  record.progress = (round / rounds) * 99;
  record.statusText = `Processing step ${round}/${rounds}`;
  return Buffer.from(JSON.stringify({ type: 'taskProgress', data: toTaskDto(record), timestamp: new Date().toISOString(), seq: round + 2 }));
}

/** The frames the bare server sends to one session: exactly what ours sends for the same ticks. */
function preSerialisedFrames(rounds) {
  const record = taskRecord(SESSION, rounds);
  const frames = new Array(rounds + 1);
  for (let round = 1; round <= rounds; round++) frames[round] = tickFrame(record, round, rounds);
  return frames;
}

async function withClients(url, count, many, prelude, body) {
  const child = new Child('clients/fanout-clients.mjs');
  const off = child.on((message) => message.type === 'ack' && gate.ack(message.round));
  try {
    await child.ask({ type: 'open', url, count, many, prelude }, 'opened', 120_000);
    return await body(child);
  } finally {
    off();
    await child.ask({ type: 'close' }, 'closed', 10_000).catch(() => undefined);
    await child.stop();
  }
}

/** Tells the client process what to count; resolves (once it listens) with `{ done }`. */
async function expectFrames(child, spec) {
  const done = child.next('done', 180_000);
  await child.ask({ type: 'expect', ...spec }, 'listening');
  return { done };
}

const shape = (count) => ({ rounds: Math.ceil(DELIVERIES / count), window: Math.max(2, Math.floor(IN_FLIGHT / count)) });

/** Our server: one task per session reporting `rounds` ticks; `count` sockets over one or `count` sessions. */
async function oursRun(count, many, store) {
  const { rounds, window } = shape(count);
  const dataDir = store === 'sqlite' ? mkdtempSync(join(tmpdir(), 'task-monitor-fanout-')) : undefined;
  const monitor = await startTaskMonitor({ port: 0, uiDir: null, logLevel: 'silent', ...(dataDir ? { dataDir } : { inMemory: true }), concurrency: many ? count : 8 });
  monitor.engine.registerKind(fanoutKind(gate));
  try {
    const wsUrl = `${monitor.url.replace('http', 'ws')}/ws`;
    return await withClients(wsUrl, count, many, 2, async (child) => {
      gate.reset();
      // taskQueued and Running come before the ticks; Completed after.
      const { done } = await expectFrames(child, { offset: 2, rounds, trailing: 1 });
      return measure(done, async () => {
        for (let i = 0; i < (many ? count : 1); i++) {
          const outcome = await monitor.engine.submit({ name: 'fan-out', clientId: sessionOf(many, i), kind: 'bench-fanout', parameters: { rounds, window } });
          if (!outcome.ok) throw new Error(outcome.message);
        }
      }, count * rounds);
    });
  } finally {
    await monitor.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Bare ws: the same frames, the same pacing (one round per turn, same window), no engine. */
async function bareRun(count, many) {
  const { rounds, window } = shape(count);
  const frames = many ? undefined : preSerialisedFrames(rounds);
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false });
  const sockets = [];
  wss.on('connection', (socket) => sockets.push(socket));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const wsUrl = `ws://127.0.0.1:${server.address().port}/ws`;
    return await withClients(wsUrl, count, many, 0, async (child) => {
      gate.reset();
      const { done } = await expectFrames(child, { offset: 0, rounds, trailing: 0 });
      const records = many ? sockets.map((_, i) => taskRecord(sessionOf(true, i), rounds)) : undefined;
      return measure(done, async () => {
        for (let round = 1; round <= rounds; round++) {
          if (many) for (let i = 0; i < sockets.length; i++) sockets[i].send(tickFrame(records[i], round, rounds), { binary: false });
          else for (const socket of sockets) socket.send(frames[round], { binary: false });
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

/**
 * From the start of `produce` until the client process reports `done`: deliveries per second and
 * this process's CPU (user + system) per delivery, in µs.
 */
async function measure(done, produce, deliveries) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  await produce();
  await done;
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1000;
  return { rate: deliveries / seconds, cpu: (used.user + used.system) / deliveries, sys: used.system / deliveries, cpuShare: (used.user + used.system) / 1e6 / seconds };
}

const VARIANTS = {
  bare: (count, many) => bareRun(count, many),
  memory: (count, many) => oursRun(count, many, 'memory'),
  sqlite: (count, many) => oursRun(count, many, 'sqlite'),
};

/** Alternating rounds (bare, memory, sqlite, bare, ...): drift hits every variant alike. */
async function alternateVariants(count, many) {
  const samples = { bare: [], memory: [], sqlite: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(VARIANTS)) {
      const result = await run(count, many);
      samples[name].push(result);
      log(`fan-out ×${count} ${many ? 'sessions' : 'one session'} ${name} #${round + 1}: ${formatNumber(result.rate)} msg/s, ${result.cpu.toFixed(2)} µs CPU/delivery, CPU ${(result.cpuShare * 100).toFixed(0)} %`);
    }
  }
  const of = (name, key) => median(samples[name].map((s) => s[key]));
  return { samples, of };
}

// `--case=sessions,1000,memory` (or one,100,bare, ...): that case alone, after a warm-up, for
// profiling (`node --cpu-prof bench/fanout.mjs --case=...`); prints its figures, no table.
const single = process.argv.find((arg) => arg.startsWith('--case='))?.slice('--case='.length).split(',');
if (single) {
  const [shapeName, countText, variant] = single;
  const many = shapeName === 'sessions';
  await VARIANTS[variant](100, many);
  for (let i = 0; i < 2; i++) {
    const result = await VARIANTS[variant](Number(countText), many);
    log(`${single.join(' ')}: ${formatNumber(result.rate)} msg/s, ${result.cpu.toFixed(2)} µs CPU/delivery (${result.sys.toFixed(2)} µs system)`);
  }
  process.exit(0);
}

const rows = [];
// Warm-up (JIT, sockets) on both sides.
await bareRun(100, false);
await oursRun(100, false, 'memory');
await bareRun(100, true);
await oursRun(100, true, 'memory');
for (const many of [false, true]) {
  const who = many ? 'clients, each on its own session' : 'clients of one session';
  const baselineName = many ? 'bare ws, same messages, serialised per send' : 'bare ws, same frames';
  for (const count of CLIENT_COUNTS) {
    const { samples, of } = await alternateVariants(count, many);
    const n = count.toLocaleString('en-US');
    for (const store of ['memory', 'sqlite']) {
      const storeName = store === 'memory' ? 'in memory' : 'SQLite';
      rows.push({
        id: `fanout-${many ? 'sessions' : 'one'}-${count}-${store}-rate`,
        section: 'Fan-out',
        measure: `progress deliveries/s to ${n} ${who}, ${storeName}`,
        ours: of(store, 'rate'),
        baseline: of('bare', 'rate'),
        baselineName,
        unit: 'msg/s',
        target: { ratio: RATE_TARGET },
        samples: { ours: samples[store], bare: samples.bare },
      });
      rows.push({
        id: `fanout-${many ? 'sessions' : 'one'}-${count}-${store}-cpu`,
        section: 'Fan-out',
        measure: `server CPU per delivery (µs), same run (server CPU ${(of(store, 'cpuShare') * 100).toFixed(0)} % vs ${(of('bare', 'cpuShare') * 100).toFixed(0)} %)`,
        ours: of(store, 'cpu'),
        baseline: of('bare', 'cpu'),
        baselineName,
        unit: 'µs',
        lowerIsBetter: true,
        target: { maxRatio: CPU_TARGET },
      });
    }
    rows.push({
      id: `fanout-${many ? 'sessions' : 'one'}-${count}-memory-vs-sqlite`,
      section: 'Fan-out',
      measure: `in memory vs SQLite, deliveries/s to ${n} ${who} (in memory must not be slower; ≥ 0.95 allows for noise)`,
      ours: of('memory', 'rate'),
      baseline: of('sqlite', 'rate'),
      baselineName: 'ours, SQLite',
      unit: 'msg/s',
      target: { ratio: 0.95 },
    });
  }
}
log('every run counted every frame at every client: 0 lost (a missing frame would stall the run)');
emitResult({ rows });
