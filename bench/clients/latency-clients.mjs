// Child process: one WebSocket per session; keeps `perSession` tasks running per session (submitting
// a new one over HTTP whenever one completes), measures report → receipt latency from the
// monotonic stamp in each progress message, and counts every message of every task.
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { monoMicros, serveCommands, sleep, waitUntil } from '../lib/common.mjs';

let sockets = [];
// Keep-alive connections for the submissions: the cheapest client, so that it disturbs the measure least.
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

const STAMP = /@(\d+)/;
const FINAL = new Set(['completed', 'failed', 'cancelled']);

serveCommands({
  async open({ wsBase, sessions, prelude }) {
    sockets = await Promise.all(
      sessions.map(
        (session) =>
          new Promise((resolve, reject) => {
            const socket = new WebSocket(`${wsBase}?sessionId=${encodeURIComponent(session)}`, { perMessageDeflate: false });
            socket.session = session;
            let frames = 0;
            const onGreeting = () => {
              if (++frames >= prelude) {
                socket.off('message', onGreeting);
                resolve(socket);
              }
            };
            if (prelude === 0) socket.once('open', () => resolve(socket));
            else socket.on('message', onGreeting);
            socket.once('error', reject);
          }),
      ),
    );
    return { type: 'opened', count: sockets.length };
  },

  /**
   * Runs the load for `loadMs` (samples count after `warmupMs`), then lets the tasks in flight
   * finish and reports. With `submitUrl`, tasks are submitted over HTTP (`perSession` at first,
   * staggered over `durationMs`, then one for each that completes); without, the server drives
   * its own load and the client only listens.
   */
  async run({ submitUrl, perSession, durationMs, warmupMs, loadMs, ticksPerTask }) {
    const samples = [];
    const tasks = new Map(); // id → { queued, running, ticks, final, order }
    let measuring = false;
    let loading = true;
    let submitted = 0;
    let refused = 0;
    let orderErrors = 0;
    let messages = 0;
    const pendingPosts = new Set();

    const submit = (session) => {
      if (!loading || !submitUrl) return;
      submitted++;
      const body = JSON.stringify({ name: 'latency', kind: 'bench-demo', duration: durationMs, clientId: session });
      const post = new Promise((resolve) => {
        const request = http.request(submitUrl, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
          if (response.statusCode !== 200) refused++;
          response.resume();
          response.once('end', resolve);
        });
        request.once('error', () => {
          refused++;
          resolve();
        });
        request.end(body);
      }).finally(() => pendingPosts.delete(post));
      pendingPosts.add(post);
    };

    const taskOf = (id) => {
      let task = tasks.get(id);
      if (!task) tasks.set(id, (task = { queued: false, running: false, ticks: 0, final: null }));
      return task;
    };

    for (const socket of sockets) {
      socket.on('message', (data) => {
        const received = monoMicros();
        messages++;
        const message = JSON.parse(data.toString());
        if (message.type === 'taskQueued') {
          const task = taskOf(message.data.id);
          if (task.queued || task.running || task.final) orderErrors++;
          task.queued = true;
        } else if (message.type === 'taskProgress') {
          const { id, state, status } = message.data;
          const task = taskOf(id);
          if (state === 'running') {
            const stamp = STAMP.exec(status);
            if (stamp) {
              if (!task.running || task.final) orderErrors++;
              task.ticks++;
              if (measuring) samples.push((received - Number(stamp[1])) / 1000);
            } else {
              if (!task.queued || task.running) orderErrors++;
              task.running = true;
            }
          } else if (FINAL.has(state)) {
            if (!task.running || task.final) orderErrors++;
            task.final = state;
            submit(socket.session);
          }
        }
      });
    }

    const started = performance.now();
    if (submitUrl) {
      // Stagger the first tasks over one task duration, as independent users would.
      const total = sockets.length * perSession;
      for (let i = 0; i < total; i++) {
        submit(sockets[i % sockets.length].session);
        const due = started + ((i + 1) / total) * durationMs;
        const wait = due - performance.now();
        if (wait >= 1) await sleep(wait);
      }
    }
    process.send({ type: 'loading' });
    await sleep(Math.max(0, started + warmupMs - performance.now()));
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    measuring = true;
    await sleep(Math.max(0, started + warmupMs + loadMs - performance.now()));
    measuring = false;
    loopDelay.disable();
    loading = false;
    process.send({ type: 'draining' });
    // Let every task in flight finish (bounded).
    await Promise.allSettled([...pendingPosts]);
    const allFinal = () => [...tasks.values()].every((task) => task.final !== null);
    const drained = await waitUntil(allFinal, 15_000, 20);
    await sleep(100); // frames of the last tasks still in the pipe

    let lostStateChanges = 0;
    let lostTicks = 0;
    let completed = 0;
    for (const task of tasks.values()) {
      if (!task.queued) lostStateChanges++;
      if (!task.running) lostStateChanges++;
      if (task.final === null) lostStateChanges++;
      if (task.final === 'completed') completed++;
      if (task.final === 'completed') lostTicks += Math.max(0, ticksPerTask - task.ticks);
    }
    // Tasks accepted over HTTP but never heard of at all would be missing from `tasks`.
    const unheard = submitUrl ? Math.max(0, submitted - refused - tasks.size) : 0;
    samples.sort((a, b) => a - b);
    return {
      type: 'report',
      drained,
      samples,
      tasks: tasks.size,
      completed,
      submitted,
      refused,
      messages,
      lostStateChanges: lostStateChanges + unheard * 3,
      lostTicks: lostTicks + unheard * ticksPerTask,
      orderErrors,
      clientLoopDelayP99: loopDelay.percentile(99) / 1e6,
      clientLoopDelayMax: loopDelay.max / 1e6,
    };
  },

  async close() {
    for (const socket of sockets) socket.terminate();
    sockets = [];
    return { type: 'closed' };
  },
});
