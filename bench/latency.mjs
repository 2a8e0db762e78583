// 3. End-to-end latency of a progress report (handler → client), p50 and p99, under 1,000
// concurrent demo-like tasks over 100 sessions, with every message counted. Baseline: a bare ws
// server running the same schedule of stamped messages with plain timers (the transport's floor).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import { startTaskMonitor } from '../out/engine/launcher/start-task-monitor.js';
import { toTaskDto } from '../out/engine/server/task-dto.js';
import { stampedDemoKind } from './lib/bench-kinds.mjs';
import { Child, emitResult, log, monoMicros, percentile, QUICK } from './lib/common.mjs';

const SESSIONS = 100;
const PER_SESSION = 10; // 1,000 tasks in flight
const DURATION_MS = 1000; // the demo kind's shortest: 10 reports per second per task
const WARMUP_MS = 2000;
const LOAD_MS = QUICK ? 3000 : 8000;
const STEPS = 10;

const sessions = Array.from({ length: SESSIONS }, (_, i) => `latency-${i}`);

/** Runs `body` with the client process connected; adds the server's event-loop delay (ms) over the load. */
async function withClients(wsBase, prelude, body) {
  const child = new Child('clients/latency-clients.mjs');
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  try {
    await child.ask({ type: 'open', wsBase, sessions, prelude }, 'opened', 60_000);
    loopDelay.enable();
    const result = await body(child);
    loopDelay.disable();
    return { ...result, serverLoopDelayP99: loopDelay.percentile(99) / 1e6, serverLoopDelayMax: loopDelay.max / 1e6 };
  } finally {
    await child.ask({ type: 'close' }, 'closed', 10_000).catch(() => undefined);
    await child.stop();
  }
}

function summarise(report) {
  const { samples } = report;
  return {
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: samples.at(-1),
    samples: samples.length,
    tasks: report.tasks,
    completed: report.completed,
    messages: report.messages,
    lostStateChanges: report.lostStateChanges,
    lostTicks: report.lostTicks,
    orderErrors: report.orderErrors,
    refused: report.refused,
    drained: report.drained,
    clientLoopDelayP99: report.clientLoopDelayP99,
    clientLoopDelayMax: report.clientLoopDelayMax,
  };
}

async function oursRun(options = {}) {
  const monitor = await startTaskMonitor({ port: 0, uiDir: null, logLevel: 'silent', inMemory: true, concurrency: 1000, ...options });
  monitor.engine.registerKind(stampedDemoKind);
  try {
    const wsBase = `${monitor.url.replace('http', 'ws')}/ws`;
    return await withClients(wsBase, 2, async (child) => {
      const report = await child.ask(
        { type: 'run', submitUrl: `${monitor.url}/api/task/start`, perSession: PER_SESSION, durationMs: DURATION_MS, warmupMs: WARMUP_MS, loadMs: LOAD_MS, ticksPerTask: STEPS },
        'report',
        WARMUP_MS + LOAD_MS + 60_000,
      );
      return summarise(report);
    });
  } finally {
    await monitor.close();
  }
}

/** The bare baseline: the same tasks' schedule and message shapes, with timers and no engine. */
async function bareRun() {
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false });
  const bySession = new Map();
  wss.on('connection', (socket, request) => {
    const session = new URL(request.url, 'http://x').searchParams.get('sessionId');
    bySession.set(session, socket);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  let loading = true;
  const timers = new Set();
  const later = (ms, fn) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  const send = (session, type, record) => {
    const socket = bySession.get(session);
    socket?.send(Buffer.from(JSON.stringify({ type, data: toTaskDto(record), timestamp: new Date().toISOString() })), { binary: false });
  };
  const runTask = (session) => {
    const now = Date.now();
    const record = { id: randomUUID(), name: 'latency', kind: 'bench-demo', parameters: { duration: DURATION_MS }, clientId: session, state: 'queued', progress: 0, statusText: 'Queued', result: null, error: null, createdAt: now, startedAt: null, completedAt: null, attempt: 1, maxAttempts: 1, priority: 0, runAt: null };
    send(session, 'taskQueued', record);
    Object.assign(record, { state: 'running', statusText: 'Running', startedAt: Date.now() });
    send(session, 'taskProgress', record);
    const step = (i) => {
      record.progress = i * 10;
      record.statusText = `Processing step ${i}/${STEPS} @${monoMicros()}`;
      send(session, 'taskProgress', record);
      if (i < STEPS) return later(DURATION_MS / STEPS, () => step(i + 1));
      Object.assign(record, { state: 'completed', statusText: 'Completed', progress: 100, result: 'done', completedAt: Date.now() });
      send(session, 'taskProgress', record);
      if (loading) runTask(session);
    };
    later(DURATION_MS / STEPS, () => step(1));
  };
  try {
    const wsBase = `ws://127.0.0.1:${server.address().port}/ws`;
    return await withClients(wsBase, 0, async (child) => {
      const stopOnDrain = child.on((message) => {
        if (message.type === 'draining') loading = false;
      });
      const reportPromise = child.ask({ type: 'run', submitUrl: null, perSession: PER_SESSION, durationMs: DURATION_MS, warmupMs: WARMUP_MS, loadMs: LOAD_MS, ticksPerTask: STEPS }, 'report', WARMUP_MS + LOAD_MS + 60_000);
      // The same staggered start as the HTTP-driven run.
      const total = SESSIONS * PER_SESSION;
      for (let i = 0; i < total; i++) later((i / total) * DURATION_MS, () => runTask(sessions[i % SESSIONS]));
      const report = await reportPromise;
      stopOnDrain();
      return summarise(report);
    });
  } finally {
    for (const timer of timers) clearTimeout(timer);
    wss.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const bare = await bareRun();
const loops = (r) => `event-loop delay p99/max: server ${r.serverLoopDelayP99.toFixed(1)}/${r.serverLoopDelayMax.toFixed(1)} ms, client ${r.clientLoopDelayP99.toFixed(1)}/${r.clientLoopDelayMax.toFixed(1)} ms`;
log(`latency bare: p50 ${bare.p50.toFixed(2)} ms, p99 ${bare.p99.toFixed(2)} ms, max ${bare.max.toFixed(1)} ms, ${bare.samples} samples; ${loops(bare)}`);
const ours = await oursRun();
log(`latency ours: p50 ${ours.p50.toFixed(2)} ms, p99 ${ours.p99.toFixed(2)} ms, max ${ours.max.toFixed(1)} ms, ${ours.samples} samples, ${ours.completed} tasks completed, lost ${ours.lostStateChanges} state changes / ${ours.lostTicks} ticks, ${ours.orderErrors} out of order, ${ours.refused} refused; ${loops(ours)}`);

const lost = ours.lostStateChanges + ours.lostTicks + ours.orderErrors;
const rows = [
  {
    id: 'latency-p50',
    section: 'End-to-end',
    measure: 'progress report → client receipt, p50 (ms), 1,000 tasks over 100 sessions',
    ours: ours.p50,
    baseline: bare.p50,
    baselineName: 'bare ws + timers',
    unit: 'ms',
    lowerIsBetter: true,
    detail: { ours, bare },
  },
  {
    id: 'latency-p99',
    section: 'End-to-end',
    measure: 'progress report → client receipt, p99 (ms)',
    ours: ours.p99,
    baseline: bare.p99,
    baselineName: 'bare ws + timers',
    unit: 'ms',
    lowerIsBetter: true,
    target: { max: 20 },
  },
  {
    id: 'latency-lost',
    section: 'End-to-end',
    measure: `messages lost or out of order (of ${ours.messages.toLocaleString('en-US')}; ${ours.completed.toLocaleString('en-US')} tasks)`,
    ours: lost,
    baseline: bare.lostStateChanges + bare.lostTicks + bare.orderErrors,
    baselineName: 'bare ws + timers',
    unit: 'messages',
    lowerIsBetter: true,
    target: { max: 0 },
  },
];
emitResult({ rows });
