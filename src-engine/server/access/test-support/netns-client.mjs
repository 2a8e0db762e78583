// A LAN client for lan-access.netns.test.ts, run inside a network namespace with
// `ip netns exec NS node netns-client.mjs '<plan as JSON>'`. It executes the plan's steps in order
// and prints one JSON line per step result (and `{ "event": ... }` lines as things happen), so the
// test can act in between (revoke a device while this client's socket is open).
import http from 'node:http';
import WebSocket from 'ws';

const plan = JSON.parse(process.argv[2] ?? '[]');
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

function httpStep({ method = 'GET', url, headers = {}, body }) {
  return new Promise((resolve) => {
    const target = new URL(url);
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, body: text.slice(0, 2000), json });
      });
    });
    req.on('error', (error) => resolve({ error: error.message }));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// `submit`: once open, POST this task (an http step) and wait until it is final (`until` becomes
// `final:<its id>`): a LAN client running a task to completion end to end.
function wsStep({ url, headers = {}, send = [], until: untilOption, submit, timeoutMs = 10000 }) {
  let until = untilOption;
  let submitted;
  return new Promise((resolve) => {
    const messages = [];
    const socket = new WebSocket(url, { headers });
    let settled = false;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, messages });
      if (socket.readyState === WebSocket.OPEN) socket.close();
    };
    const timer = setTimeout(() => finish({ opened: true, timedOut: true }), timeoutMs);
    socket.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => finish({ opened: false, status: res.statusCode, body: text }));
    });
    socket.on('error', (error) => finish({ opened: false, error: error.message }));
    socket.on('open', () => {
      print({ event: 'open', url });
      for (const frame of send) socket.send(frame);
      if (submit) {
        httpStep({ method: 'POST', ...submit }).then((result) => {
          submitted = result;
          if (result.json?.taskId) until = `final:${result.json.taskId}`;
          else finish({ opened: true, submitted });
        });
      }
    });
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      messages.push({ type: message.type, status: message.data?.status, id: message.data?.id });
      if (until === 'pong' && message.type === 'pong') finish({ opened: true });
      if (until?.startsWith('final:') && message.type === 'taskProgress' && message.data.id === until.slice(6) && ['Completed', 'Failed', 'Cancelled'].includes(message.data.status)) {
        finish({ opened: true, final: message.data.status, submitted });
      }
    });
    socket.on('close', (code, reason) => finish({ opened: true, closeCode: code, closeReason: reason.toString(), submitted }));
  });
}

for (const step of plan) {
  if (step.http) print({ step: 'http', ...(await httpStep(step.http)) });
  else if (step.ws) print({ step: 'ws', ...(await wsStep(step.ws)) });
}
