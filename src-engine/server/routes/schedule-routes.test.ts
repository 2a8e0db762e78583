import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTaskMonitor, type RunningTaskMonitor } from '../../launcher/start-task-monitor.js';
import type { ScheduleDto } from '../../protocol/schedules.js';
import { getJson, postJson } from '../../test-support/http.js';
import { MessageCollector } from '../../test-support/message-collector.js';

/** `/api/schedules` over real HTTP and WebSockets, in real time. */
let monitor: RunningTaskMonitor;
let deviceCookie: string;

beforeAll(async () => {
  monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent', dataDir: mkdtempSync(join(tmpdir(), 'schedule-routes-')) });
  const paired = await fetch(`${monitor.url}/pair?code=${monitor.access.pairing.current}`, { redirect: 'manual' });
  deviceCookie = String(paired.headers.get('set-cookie')).split(';')[0]!;
});
afterAll(() => monitor.close());

async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${monitor.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('schedule routes', () => {
  it('are the owner’s only: a paired device gets 403 OWNER_ONLY on every one, and no schedule frames', async () => {
    const device = await MessageCollector.open(monitor.url, 'device-tab', { headers: { cookie: deviceCookie } });
    const owner = await MessageCollector.open(monitor.url, 'owner-tab');
    for (const [method, path] of [['GET', '/api/schedules'], ['POST', '/api/schedules'], ['GET', '/api/schedules/preview?cron=*+*+*+*+*'], ['DELETE', '/api/schedules/x'], ['POST', '/api/schedules/x/run']] as const) {
      const response = await send(method, path, method === 'POST' ? { name: 'x', cron: '0 3 * * *' } : undefined, { cookie: deviceCookie });
      expect(response, `${method} ${path}`).toMatchObject({ status: 403, body: { code: 'OWNER_ONLY' } });
    }
    const created = await send('POST', '/api/schedules', { name: 'frames', cron: '0 3 * * *', timezone: 'Europe/Berlin', kind: 'demo', parameters: { duration: 1000 } });
    expect(created.status).toBe(201);
    await owner.waitFor((m) => m.type === 'scheduleUpdated' && m.data.id === created.body.id, 'scheduleUpdated on the owner socket');
    await send('DELETE', `/api/schedules/${created.body.id}`);
    await owner.waitFor((m) => m.type === 'scheduleDeleted' && m.data.id === created.body.id, 'scheduleDeleted on the owner socket');
    expect(device.messages.filter((m) => m.type.startsWith('schedule'))).toEqual([]);
    await Promise.all([device.close(), owner.close()]);
  });

  it('create, read, list, edit, disable, run now, delete', async () => {
    const created = await send('POST', '/api/schedules', { name: 'Nightly report', cron: '0 3 * * *', timezone: 'Europe/Berlin', parameters: { duration: 1000 } }, { 'x-session-id': 'my-tab' });
    expect(created.status).toBe(201);
    const schedule = created.body as ScheduleDto;
    expect(schedule).toMatchObject({ name: 'Nightly report', kind: 'demo', enabled: true, overlap: 'skip', misfire: 'runOnce', source: 'api', clientId: 'my-tab', lastRun: null, runPending: false });
    expect(schedule.nextRuns).toHaveLength(3);
    expect(schedule.nextRuns[0]).toBe(schedule.nextRunAt);
    for (const run of schedule.nextRuns) expect(new Date(run).toLocaleTimeString('en-GB', { timeZone: 'Europe/Berlin' })).toBe('03:00:00');
    expect((await send('GET', `/api/schedules/${schedule.id}`)).body).toEqual(schedule);
    expect((await send('GET', '/api/schedules')).body.items.map((s: ScheduleDto) => s.id)).toContain(schedule.id);

    const edited = await send('PATCH', `/api/schedules/${schedule.id}`, { cron: '30 4 * * 1-5', enabled: false, id: 'hijack', source: 'file' });
    expect(edited).toMatchObject({ status: 200, body: { id: schedule.id, source: 'api', cron: '30 4 * * 1-5', enabled: false, nextRunAt: null, nextRuns: [] } });

    const run = await send('POST', `/api/schedules/${schedule.id}/run`);
    expect(run.status).toBe(200);
    expect(run.body.task).toMatchObject({ scheduleId: schedule.id, clientId: 'my-tab', name: 'Nightly report', kind: 'demo' });
    expect(run.body.schedule).toMatchObject({ lastTaskId: run.body.task.id, lastRun: { taskId: run.body.task.id } });
    const task = await getJson(`${monitor.url}/api/tasks/${run.body.task.id}?clientId=my-tab`);
    expect(task.body.scheduleId).toBe(schedule.id);

    expect(await send('DELETE', `/api/schedules/${schedule.id}`)).toMatchObject({ status: 200, body: { deleted: schedule.id } });
    expect(await send('GET', `/api/schedules/${schedule.id}`)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('answers 400 with a clear message for a bad expression, zone, kind or policy', async () => {
    expect(await send('POST', '/api/schedules', { name: 'x', cron: '0 25 * * *' })).toMatchObject({ status: 400, body: { code: 'INVALID_CRON', message: expect.stringContaining('hour') } });
    expect(await send('POST', '/api/schedules', { name: 'x', cron: '0 3 * * *', timezone: 'Europe/Berlln' })).toMatchObject({ status: 400, body: { code: 'INVALID_TIMEZONE', message: expect.stringContaining('Europe/Berlln') } });
    expect(await send('POST', '/api/schedules', { name: 'x', cron: '0 3 * * *', kind: 'nope' })).toMatchObject({ status: 400, body: { code: 'INVALID_SCHEDULE', message: "Unknown task kind 'nope'" } });
    expect(await send('POST', '/api/schedules', { name: 'x', cron: '0 3 * * *', overlap: 'sometimes' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', message: expect.stringContaining('overlap') } });
    expect(await send('POST', '/api/schedules', { cron: '0 3 * * *' })).toMatchObject({ status: 400, body: { code: 'INVALID_SCHEDULE', message: expect.stringContaining('name') } });
    expect(await send('POST', '/api/schedules', { name: 'x' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  it('previews the next run times of an expression, or explains what is wrong with it', async () => {
    const ok = await getJson(`${monitor.url}/api/schedules/preview?cron=${encodeURIComponent('0 3 * * *')}&timezone=America/New_York&count=5`);
    expect(ok.status).toBe(200);
    expect(ok.body.runs).toHaveLength(5);
    for (const run of ok.body.runs) expect(new Date(run).toLocaleTimeString('en-GB', { timeZone: 'America/New_York' })).toBe('03:00:00');
    const bad = await getJson(`${monitor.url}/api/schedules/preview?cron=${encodeURIComponent('every day')}`);
    expect(bad).toMatchObject({ status: 400, body: { code: 'INVALID_CRON', message: expect.stringContaining('every day') } });
  });

  it('a schedule every 2 seconds (6 fields) produces runs; disabled, it stops', async () => {
    const socket = await MessageCollector.open(monitor.url, 'owner');
    const created = await postJson(`${monitor.url}/api/schedules`, { name: 'Every 2 s', cron: '*/2 * * * * *', parameters: { duration: 1000 }, overlap: 'allow' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const runs = () => socket.ofType('taskQueued').filter((m) => m.data.scheduleId === id);
    for (let i = 0; i < 200 && runs().length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs().length).toBeGreaterThanOrEqual(2);
    const gap = Date.parse(runs()[1]!.data.createdAt) - Date.parse(runs()[0]!.data.createdAt);
    // Two seconds apart, give or take a loaded machine's timer lateness.
    expect(gap).toBeGreaterThan(1000);
    expect(gap).toBeLessThan(3500);
    expect(created.body.timezone).toBe('UTC');
    // Each time it comes due, owner sockets hear of its next run time.
    const updates = () => socket.ofType('scheduleUpdated').filter((m) => m.data.id === id).map((m) => m.data.nextRunAt);
    expect(new Set(updates()).size).toBeGreaterThanOrEqual(2);
    await send('PATCH', `/api/schedules/${id}`, { enabled: false });
    await new Promise((resolve) => setTimeout(resolve, 500)); // a run submitted just before is announced once stored
    const stoppedAt = runs().length;
    await new Promise((resolve) => setTimeout(resolve, 4500));
    expect(runs().length).toBe(stoppedAt);
    await socket.close();
  });
});
