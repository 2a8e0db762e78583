// 3. End-to-end latency of a progress report (handler → client), p50 and p99, under 1,000
// concurrent demo-like tasks over 100 sessions, with every message counted. Baseline: a bare ws
// server running the same schedule of stamped messages with plain timers (the transport's floor).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import { startTaskMonitor } from '../out/engine/launcher/start-task-monitor.js';
import { toTaskDto } from '../out/engine/server/task-dto.js';
import { stampedDemoKind } from './lib/bench-kinds.mjs';
import { Child, emitResult, log, median, monoMicros, percentile, QUICK } from './lib/common.mjs';

const SESSIONS = 100;
const PER_SESSION = 10; // 1,000 tasks in flight
const DURATION_MS = 1000; // the demo kind's shortest: 10 reports per second per task
const WARMUP_MS = 2000;
const LOAD_MS = QUICK ? 3000 : 5000;
const ROUNDS = QUICK ? 1 : 3;
const STEPS = 10;

const sessions = Array.from({ length: SESSIONS }, (_, i) => `latency-${i}`);

/** Runs `body` with the client process connected; adds the server's event-loop delay (ms) over the load. */
async function withClients(wsBase, prelude, body) {
  const child = new Child('clients/latency-clients.mjs');
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  const gc = { count: 0, totalMs: 0, maxMs: 0 };
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count++;
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
    }
  });
  try {
    await child.ask({ type: 'open', wsBase, sessions, prelude }, 'opened', 60_000);
    loopDelay.enable();
    gcObserver.observe({ entryTypes: ['gc'] });
    const result = await body(child);
    loopDelay.disable();
    gcObserver.disconnect();
    return { ...result, serverLoopDelayP99: loopDelay.percentile(99) / 1e6, serverLoopDelayMax: loopDelay.max / 1e6, serverGc: gc };
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

const loops = (r) => `event-loop delay p99/max: server ${r.serverLoopDelayP99.toFixed(1)}/${r.serverLoopDelayMax.toFixed(1)} ms, client ${r.clientLoopDelayP99.toFixed(1)}/${r.clientLoopDelayMax.toFixed(1)} ms; server GC ${r.serverGc.count}× max ${r.serverGc.maxMs.toFixed(1)} ms`;
const describe = (r) =>
  `p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(1)} ms, ${r.samples} samples, ${r.completed} tasks, lost ${r.lostStateChanges} state changes / ${r.lostTicks} ticks, ${r.orderErrors} out of order, ${r.refused} refused; ${loops(r)}`;

// Alternating rounds, medians reported: on a shared 2-core machine one stall of another process
// (both of our processes' loops stop together) is enough to move a single round's p99.
const runs = { bare: [], ours: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of [['bare', bareRun], ['ours', oursRun]]) {
    const result = await run();
    runs[name].push(result);
    log(`latency ${name} #${round + 1}: ${describe(result)}`);
  }
}
const medianOf = (list, key) => median(list.map((r) => r[key]));
const sum = (list, key) => list.reduce((total, r) => total + r[key], 0);
const summary = (list) => ({
  p50: medianOf(list, 'p50'),
  p99: medianOf(list, 'p99'),
  worstP99: Math.max(...list.map((r) => r.p99)),
  messages: sum(list, 'messages'),
  completed: sum(list, 'completed'),
  lostStateChanges: sum(list, 'lostStateChanges'),
  lostTicks: sum(list, 'lostTicks'),
  orderErrors: sum(list, 'orderErrors'),
});
const ours = summary(runs.ours);
const bare = summary(runs.bare);
const perRound = (list) => list.map((r) => r.p99.toFixed(2)).join(' / ');

const lost = ours.lostStateChanges + ours.lostTicks + ours.orderErrors;
const rows = [
  {
    id: 'latency-p50',
    section: 'End-to-end',
    measure: `progress report → client receipt, p50 (ms; median of ${ROUNDS} rounds of ${LOAD_MS / 1000} s), 1,000 tasks over 100 sessions`,
    ours: ours.p50,
    baseline: bare.p50,
    baselineName: 'bare ws + timers',
    unit: 'ms',
    lowerIsBetter: true,
    detail: { rounds: runs },
  },
  {
    id: 'latency-p99',
    section: 'End-to-end',
    measure: `progress report → client receipt, p99 (ms; median of ${ROUNDS} rounds)`,
    ours: ours.p99,
    baseline: bare.p99,
    baselineName: 'bare ws + timers',
    unit: 'ms',
    lowerIsBetter: true,
  },
  {
    // The target holds in every round, not only in the median one: a round where the server fell
    // behind (a long GC pause, a backlog) is what a user sees as a stutter.
    id: 'latency-p99-worst',
    section: 'End-to-end',
    measure: `progress report → client receipt, p99 of the worst round (ms; rounds: ours ${perRound(runs.ours)}, bare ${perRound(runs.bare)})`,
    ours: ours.worstP99,
    baseline: bare.worstP99,
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
