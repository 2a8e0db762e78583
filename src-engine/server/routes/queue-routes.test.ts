import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTaskMonitor, type RunningTaskMonitor } from '../../launcher/start-task-monitor.js';
import type { QueueStateDto } from '../../protocol/schedules.js';
import { getJson, postJson } from '../../test-support/http.js';
import { MessageCollector } from '../../test-support/message-collector.js';

/** `/api/queue` and the `queueState` frame over real HTTP and WebSockets. */
let monitor: RunningTaskMonitor;
let deviceCookie: string;

beforeAll(async () => {
  monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent', dataDir: mkdtempSync(join(tmpdir(), 'queue-routes-')) });
  const paired = await fetch(`${monitor.url}/pair?code=${monitor.access.pairing.current}`, { redirect: 'manual' });
  deviceCookie = String(paired.headers.get('set-cookie')).split(';')[0]!;
});
afterAll(() => monitor.close());

describe('queue routes', () => {
  it('pause holds new tasks (waitReason "paused"), announces queueState to owner sockets only, resume runs them', async () => {
    const owner = await MessageCollector.open(monitor.url, 'queue-owner');
    const device = await MessageCollector.open(monitor.url, 'queue-device', { headers: { cookie: deviceCookie } });
    const paused = await postJson(`${monitor.url}/api/queue/pause`, {});
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true, kinds: expect.arrayContaining([expect.objectContaining({ kind: 'demo', paused: false, concurrency: null, rateLimit: null })]) });
    await owner.waitFor((m) => m.type === 'queueState' && m.data.paused, 'queueState paused');

    const { body } = await postJson(`${monitor.url}/api/task/start`, { name: 'held', duration: 1000, clientId: 'queue-owner' });
    const held = await owner.waitFor((m) => m.type === 'taskQueued' && m.data.id === body.taskId, 'taskQueued');
    expect(held).toMatchObject({ data: { state: 'queued', waitReason: 'paused' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await getJson(`${monitor.url}/api/tasks/${body.taskId}?clientId=queue-owner`)).body).toMatchObject({ state: 'queued', waitReason: 'paused' });
    const state = (await getJson(`${monitor.url}/api/queue`)).body as QueueStateDto;
    expect(state.kinds.find((k) => k.kind === 'demo')).toMatchObject({ queued: 1, running: 0 });

    expect((await postJson(`${monitor.url}/api/queue/resume`, {})).body).toMatchObject({ paused: false });
    await owner.waitForFinal(body.taskId);
    expect(device.messages.filter((m) => m.type === 'queueState')).toEqual([]);
    await Promise.all([owner.close(), device.close()]);
  });

  it('pauses and resumes one kind; refuses an unknown kind; is the owner’s only', async () => {
    expect((await postJson(`${monitor.url}/api/queue/kinds/demo/pause`, {})).body.kinds.find((k: { kind: string }) => k.kind === 'demo')).toMatchObject({ paused: true });
    expect((await postJson(`${monitor.url}/api/queue/kinds/demo/resume`, {})).body.kinds.find((k: { kind: string }) => k.kind === 'demo')).toMatchObject({ paused: false });
    expect(await postJson(`${monitor.url}/api/queue/kinds/nope/pause`, {})).toMatchObject({ status: 400, body: { code: 'UNKNOWN_KIND' } });
    expect(await getJson(`${monitor.url}/api/queue`, { cookie: deviceCookie })).toMatchObject({ status: 403, body: { code: 'OWNER_ONLY' } });
    expect(await postJson(`${monitor.url}/api/queue/pause`, {}, { cookie: deviceCookie })).toMatchObject({ status: 403, body: { code: 'OWNER_ONLY' } });
    expect(monitor.engine.queueControl.paused).toBe(false);
  });
});
