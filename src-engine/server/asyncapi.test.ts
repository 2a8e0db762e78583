import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTaskMonitor, type RunningTaskMonitor } from '../launcher/start-task-monitor.js';
import { postJson, getJson } from '../test-support/http.js';
import { MessageCollector } from '../test-support/message-collector.js';
import { TaskEngine } from '../engine/task-engine.js';
import type { OwnerServerMessage, StatsTickMessage } from '../protocol/messages.js';
import { buildServer } from './build-server.js';
import { AccessControl } from './access/access-control.js';

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition never became true');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** docs/asyncapi.yaml, parsed. */
const document = parse(readFileSync(fileURLToPath(new URL('../../docs/asyncapi.yaml', import.meta.url)), 'utf8')) as {
  asyncapi: string;
  components: { messages: Record<string, { payload: unknown }> };
  operations: Record<string, { action: string; messages: Array<{ $ref: string }> }>;
};

/** A validator per message name, compiled from the document (its internal $refs resolve against it). */
function validators(): Map<string, ValidateFunction> {
  // strict: false, since the document carries AsyncAPI's own keys (info, channels, summary...).
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema(document, 'asyncapi');
  const byName = new Map<string, ValidateFunction>();
  for (const name of Object.keys(document.components.messages)) byName.set(name, ajv.compile({ $ref: `asyncapi#/components/messages/${name}/payload` }));
  return byName;
}

let monitor: RunningTaskMonitor;
beforeAll(async () => {
  monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent', graceMs: 0 });
});
afterAll(async () => {
  await monitor.close();
});

describe('docs/asyncapi.yaml', () => {
  it('is an AsyncAPI 3 document whose receive operation names every message type the server sends', () => {
    expect(document.asyncapi).toMatch(/^3\./);
    const received = document.operations['receiveUpdates']!.messages.map((m) => m.$ref.split('/').pop());
    expect(received.sort()).toEqual(['connection', 'pong', 'resumed', 'snapshot', 'statsTick', 'taskProgress', 'taskQueued', 'tasksDeleted']);
  });

  it("describes the owner's statsTick frames", async () => {
    const engine = new TaskEngine();
    const access = new AccessControl();
    const app = buildServer(engine, { logLevel: 'silent', statsPushMs: 100, access });
    await app.listen({ host: '127.0.0.1', port: 0 });
    engine.start();
    try {
      expect((await engine.submit({ name: 'quick', clientId: 'c', parameters: { duration: 1000 } })).ok).toBe(true);
      await until(() => engine.counts().completed === 1);
      const { port } = app.server.address() as { port: number };
      const owner = await MessageCollector.open(`http://127.0.0.1:${port}`, 'stats-owner');
      // statsTick is not a ServerMessage (see OwnerServerMessage): read it as the wider type.
      const asTick = (m: unknown): StatsTickMessage | undefined => ((m as OwnerServerMessage).type === 'statsTick' ? (m as StatsTickMessage) : undefined);
      const tick = await owner.waitFor((m) => asTick(m)?.data.completed === 1, 'a statsTick counting the task');
      const validate = validators().get('statsTick')!;
      expect(validate(tick) ? [] : validate.errors).toEqual([]);
      // A paired device (not the owner) never gets one: stats span every session.
      const paired = await fetch(`http://127.0.0.1:${port}/pair?code=${access.pairing.current}`, { redirect: 'manual' });
      const cookie = String(paired.headers.get('set-cookie')).split(';')[0]!;
      const device = await MessageCollector.open(`http://127.0.0.1:${port}`, 'stats-device', { headers: { cookie } });
      const ticksBefore = owner.messages.filter((m) => asTick(m)).length;
      await owner.waitFor(() => owner.messages.filter((m) => asTick(m)).length >= ticksBefore + 3, 'three more ticks to the owner');
      expect(device.messages.map((m) => m.type)).not.toContain('statsTick');
      await device.close();
      await owner.close();
    } finally {
      await app.close();
      await engine.stop({ graceMs: 0 });
    }
  });

  it('describes real frames: connection, snapshot, taskQueued, taskProgress, tasksDeleted, pong and resumed all validate', async () => {
    const check = validators();
    const client = await MessageCollector.open(monitor.url, 'asyncapi-session');
    await client.waitFor((m) => m.type === 'snapshot', 'snapshot');
    const started = await postJson(`${monitor.url}/api/task/start`, { name: 'described', duration: 1000, clientId: 'asyncapi-session' });
    const id = started.body.taskId as string;
    await client.waitForFinal(id);
    const failing = await postJson(`${monitor.url}/api/task/start`, { name: 'fails', duration: 1000, clientId: 'asyncapi-session', parameters: { failAtStep: 1 } });
    await client.waitForFinal(failing.body.taskId);
    expect((await getJson(`${monitor.url}/api/tasks/${id}?clientId=asyncapi-session`)).status).toBe(200);
    const deleted = await fetch(`${monitor.url}/api/tasks/${id}?clientId=asyncapi-session`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    await client.waitFor((m) => m.type === 'tasksDeleted', 'tasksDeleted');
    client.send(JSON.stringify({ type: 'ping' }));
    await client.waitFor((m) => m.type === 'pong', 'pong');
    const connection = client.ofType('connection')[0]!;
    const lastSeq = Math.max(...client.messages.map((m) => m.seq ?? 0));
    await client.close();

    // Reconnect having missed the last message: it is replayed, then `resumed`.
    const url = new URL('/ws', monitor.url.replace(/^http/, 'ws'));
    url.searchParams.set('sessionId', 'asyncapi-session');
    url.searchParams.set('epoch', connection.data.epoch);
    url.searchParams.set('lastSeq', String(lastSeq - 1));
    const again = new MessageCollector(url.href);
    await again.waitFor((m) => m.type === 'resumed', 'resumed');
    await again.close();

    const frames = [...client.messages, ...again.messages];
    const seen = new Set<string>();
    for (const frame of frames) {
      const validate = check.get(frame.type);
      expect(validate, `a message named ${frame.type} in the document`).toBeDefined();
      const valid = validate!(frame);
      expect(valid ? [] : validate!.errors, `${frame.type} frame ${JSON.stringify(frame).slice(0, 300)}`).toEqual([]);
      seen.add(frame.type);
    }
    expect([...seen].sort()).toEqual(['connection', 'pong', 'resumed', 'snapshot', 'taskProgress', 'taskQueued', 'tasksDeleted']);
  });

  it('describes the log and owner frames: taskLog, taskLogRefused, scheduleUpdated and scheduleDeleted validate', async () => {
    const check = validators();
    // From loopback: the owner, so schedule news reaches this socket too.
    const client = await MessageCollector.open(monitor.url, 'asyncapi-owner');
    await client.waitFor((m) => m.type === 'snapshot', 'snapshot');
    const started = await postJson(`${monitor.url}/api/task/start`, { name: 'logged', duration: 1000, clientId: 'asyncapi-owner' });
    client.send(JSON.stringify({ type: 'subscribeLog', taskId: started.body.taskId, after: 0 }));
    await client.waitFor((m) => m.type === 'taskLog', 'taskLog');
    client.send(JSON.stringify({ type: 'subscribeLog', taskId: 'no-such-task' }));
    await client.waitFor((m) => m.type === 'taskLogRefused', 'taskLogRefused');
    const created = await postJson(`${monitor.url}/api/schedules`, { name: 'described', cron: '0 3 * * *', timezone: 'Europe/Berlin', kind: 'demo', parameters: { duration: 1000 } });
    expect(created.status).toBe(201);
    await client.waitFor((m) => m.type === 'scheduleUpdated', 'scheduleUpdated');
    expect((await fetch(`${monitor.url}/api/schedules/${created.body.id}`, { method: 'DELETE' })).status).toBe(200);
    await client.waitFor((m) => m.type === 'scheduleDeleted', 'scheduleDeleted');
    await client.close();
    const wanted = ['taskLog', 'taskLogRefused', 'scheduleUpdated', 'scheduleDeleted'];
    for (const frame of client.messages.filter((m) => wanted.includes(m.type))) {
      const validate = check.get(frame.type)!;
      const valid = validate(frame);
      expect(valid ? [] : validate.errors, `${frame.type} frame ${JSON.stringify(frame).slice(0, 300)}`).toEqual([]);
    }
    // What a client sends for logs is described too.
    expect(check.get('subscribeLog')!({ type: 'subscribeLog', taskId: 'x', after: 3 })).toBe(true);
    expect(check.get('unsubscribeLog')!({ type: 'unsubscribeLog', taskId: 'x' })).toBe(true);
  });

  it('the schemas are strict: a task with an undeclared field, or a frame without timestamp, is refused', () => {
    const check = validators();
    const task = { id: 'x', name: 'n', status: 'Queued', progress: 0, result: null, error: null, createdAt: '2026-01-01T00:00:00.000Z', startedAt: null, completedAt: null, clientId: 'c', state: 'queued', kind: 'demo', parameters: {}, duration: null, attempt: 1, maxAttempts: 1, priority: 0, retryAt: null, runAt: null, job: null, scheduleId: null, waitReason: null };
    expect(check.get('taskQueued')!({ type: 'taskQueued', data: task, timestamp: '2026-01-01T00:00:00.000Z', seq: 1 })).toBe(true);
    expect(check.get('taskQueued')!({ type: 'taskQueued', data: { ...task, surprise: 1 }, timestamp: '2026-01-01T00:00:00.000Z', seq: 1 })).toBe(false);
    expect(check.get('pong')!({ type: 'pong', data: { timestamp: '2026-01-01T00:00:00.000Z' } })).toBe(false);
  });
});
