// Child process: one WebSocket per session on an API node; submits no-op tasks over HTTP, keeping
// `perSession` in flight per session (a new one whenever the socket announces one final), and
// counts the final states it receives. Reports tasks/s from the first submission to the last final
// state, and how many tasks each process ran (the no-op job returns its pid).
import http from 'node:http';
import WebSocket from 'ws';
import { serveCommands } from '../lib/common.mjs';

let sockets = [];
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const FINAL = new Set(['completed', 'failed', 'cancelled']);

/** Opens a socket for `session` and resolves once its snapshot came (it is then in the session's audience). */
function openSocket(wsBase, session) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${wsBase}?sessionId=${encodeURIComponent(session)}`, { perMessageDeflate: false });
    socket.session = session;
    const onGreeting = (data) => {
      if (JSON.parse(data.toString()).type === 'snapshot') {
        socket.off('message', onGreeting);
        resolve(socket);
      }
    };
    socket.on('message', onGreeting);
    socket.once('error', reject);
  });
}

function post(url, body) {
  return new Promise((resolve) => {
    const text = JSON.stringify(body);
    const request = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (response) => {
      let answer = '';
      response.on('data', (chunk) => (answer += chunk));
      response.once('end', () => resolve({ status: response.statusCode, answer }));
    });
    request.once('error', (error) => resolve({ status: 0, answer: error.message }));
    request.end(text);
  });
}

serveCommands({
  async open({ wsBase, sessions }) {
    sockets = await Promise.all(sessions.map((session) => openSocket(wsBase, session)));
    return { type: 'opened', count: sockets.length };
  },

  /** Runs `total` tasks (bounded by `timeoutMs`); answers `{ type: 'report', … }`. */
  async run({ submitUrl, total, perSession, timeoutMs }) {
    let submitted = 0;
    let refused = 0;
    let firstRefusal = '';
    const finals = { completed: 0, failed: 0, cancelled: 0 };
    const byProcess = {};
    let finished = 0;
    let resolveDone;
    const done = new Promise((resolve) => (resolveDone = resolve));
    const settled = () => finished + refused >= total;

    const submit = (session) => {
      if (submitted >= total) return;
      submitted++;
      void post(submitUrl, { name: 'cluster bench', kind: 'bench-noop', clientId: session }).then(({ status, answer }) => {
        if (status === 200) return;
        refused++;
        firstRefusal ||= `${status} ${answer.slice(0, 200)}`;
        if (settled()) resolveDone();
      });
    };

    for (const socket of sockets) {
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString());
        if (message.type !== 'taskProgress' || !FINAL.has(message.data.state)) return;
        finals[message.data.state]++;
        const pid = message.data.result ?? 'none';
        byProcess[pid] = (byProcess[pid] ?? 0) + 1;
        finished++;
        if (settled()) resolveDone();
        else submit(socket.session);
      });
    }

    const started = performance.now();
    for (let i = 0; i < perSession; i++) for (const socket of sockets) submit(socket.session);
    const timedOut = await Promise.race([done.then(() => false), new Promise((resolve) => setTimeout(() => resolve(true), timeoutMs))]);
    const ms = performance.now() - started;
    for (const socket of sockets) socket.removeAllListeners('message');
    return { type: 'report', timedOut, ms, tasksPerSecond: finished / (ms / 1000), submitted, refused, firstRefusal, finals, byProcess };
  },

  async close() {
    for (const socket of sockets) socket.terminate();
    sockets = [];
    return { type: 'closed' };
  },
});
