import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTaskMonitor, type RunningTaskMonitor, type TaskMonitorOptions } from '../launcher/start-task-monitor.js';
import { request } from '../server/access/test-support/raw-client.js';
import { getJson, postJson } from '../test-support/http.js';
import { parsePrometheusText } from './test-support/prometheus-text.js';

const TOKEN = 'metrics-test-token-0123456789abcdef';
const monitors: RunningTaskMonitor[] = [];
async function launch(options: TaskMonitorOptions = {}): Promise<RunningTaskMonitor> {
  const monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent', graceMs: 0, ...options });
  monitors.push(monitor);
  return monitor;
}
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.close()));
});

async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: still not true after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function start(url: string, body: Record<string, unknown>): Promise<string> {
  const answer = await postJson(`${url}/api/task/start`, { clientId: 'metrics-session', duration: 1000, ...body });
  expect(answer.status).toBe(200);
  return answer.body.taskId as string;
}

describe('GET /metrics', () => {
  it('parses as Prometheus text and its counters match a known run', async () => {
    const monitor = await launch({ dataDir: mkdtempSync(join(tmpdir(), 'metrics-')), concurrency: 1 });
    const socket = new WebSocket(`${monitor.url.replace('http', 'ws')}/ws?sessionId=metrics-session`);
    await new Promise((resolve) => socket.once('open', resolve));
    const first = await start(monitor.url, { name: 'ok 1' });
    const cancelled = await start(monitor.url, { name: 'will be cancelled' });
    expect((await postJson(`${monitor.url}/api/tasks/${cancelled}/cancel?clientId=metrics-session`, {})).status).toBe(200);
    await start(monitor.url, { name: 'ok 2' });
    await start(monitor.url, { name: 'fails', parameters: { failAtStep: 1 } });
    const engine = monitor.engine;
    await waitFor(() => engine.counts().completed === 2 && engine.counts().failed === 1, 'the run finished');
    expect(engine.get(first)?.state).toBe('completed');

    const scrape = await request(`${monitor.url}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const metrics = parsePrometheusText(scrape.body);
    expect(metrics.value('task_monitor_tasks_submitted_total', { kind: 'demo' })).toBe(4);
    expect(metrics.value('task_monitor_tasks_finished_total', { kind: 'demo', state: 'completed' })).toBe(2);
    expect(metrics.value('task_monitor_tasks_finished_total', { kind: 'demo', state: 'failed' })).toBe(1);
    expect(metrics.value('task_monitor_tasks_finished_total', { kind: 'demo', state: 'cancelled' })).toBe(1);
    // The cancelled task never started: only the three that ran have a duration.
    expect(metrics.value('task_monitor_task_duration_seconds_count', { kind: 'demo' })).toBe(3);
    expect(metrics.value('task_monitor_task_duration_seconds_sum', { kind: 'demo' })).toBeGreaterThan(1.5);
    expect(metrics.value('task_monitor_queue_depth')).toBe(0);
    expect(metrics.value('task_monitor_tasks_running')).toBe(0);
    expect(metrics.value('task_monitor_websocket_connections')).toBe(1);
    // Every state change and tick of the session's tasks went to the one socket.
    expect(metrics.value('task_monitor_websocket_frames_sent_total')).toBeGreaterThan(10);
    expect(metrics.value('task_monitor_websocket_frames_dropped_total')).toBe(0);
    expect(metrics.value('task_monitor_store_commit_seconds_count')).toBeGreaterThan(0);
    expect(metrics.types.get('task_monitor_task_duration_seconds')).toBe('histogram');
    expect(metrics.types.get('task_monitor_websocket_delivery_lag_seconds')).toBe('histogram');
    // prom-client's runtime defaults, under our prefix.
    expect(metrics.value('task_monitor_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(metrics.types.get('task_monitor_nodejs_eventloop_lag_seconds')).toBe('gauge');
    // No task id, no session id in any label.
    for (const sample of metrics.samples) {
      for (const value of Object.values(sample.labels)) expect(value).not.toMatch(/metrics-session|[0-9a-f]{8}-[0-9a-f]{4}-/);
    }
    socket.close();
  });

  it('lumps kinds beyond the cap into "other"; a series never names a task or session', async () => {
    const { TaskMetrics, MAX_KIND_LABELS } = await import('./task-metrics.js');
    const { TaskEngine } = await import('../engine/task-engine.js');
    const { defineTaskKind } = await import('../engine/task-kind.js');
    const engine = new TaskEngine({ concurrency: 1 });
    for (let i = 0; i <= MAX_KIND_LABELS; i++) engine.registerKind(defineTaskKind({ name: `k${i}`, parse: (p) => p, run: async () => 'ok' }));
    const metrics = new TaskMetrics(engine);
    engine.start();
    for (let i = 0; i <= MAX_KIND_LABELS; i++) expect((await engine.submit({ name: `t${i}`, clientId: 'c', kind: `k${i}` })).ok).toBe(true);
    const parsed = parsePrometheusText((await metrics.scrape()).text);
    const kinds = new Set(parsed.samples.filter((s) => s.name === 'task_monitor_tasks_submitted_total').map((s) => s.labels['kind']));
    expect(kinds.size).toBe(MAX_KIND_LABELS + 1);
    expect(kinds.has('other')).toBe(true);
    expect(kinds.has(`k${MAX_KIND_LABELS}`)).toBe(false);
    metrics.close();
    await engine.stop({ graceMs: 0 });
  });

  it('is the owner\'s: a paired device and a page of another site are refused, the API token is let in', async () => {
    const monitor = await launch({ token: TOKEN });
    const paired = await request(`${monitor.url}/pair?code=${monitor.access.pairing.current}`);
    const cookie = String(paired.headers['set-cookie']).split(';')[0]!;
    const device = await getJson(`${monitor.url}/metrics`, { cookie });
    expect(device.status).toBe(403);
    expect(device.body).toMatchObject({ code: 'OWNER_ONLY', status: 'Error' });
    const foreign = await request(`${monitor.url}/metrics`, { headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.json).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED' });
    expect((await getJson(`${monitor.url}/metrics`, { authorization: 'Bearer wrong-token-0123456789abcdef' })).status).toBe(401);
    const owner = await request(`${monitor.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(owner.status).toBe(200);
    expect(() => parsePrometheusText(owner.body)).not.toThrow();
  });

  it('--metrics-public opens it to a paired device, and nothing else', async () => {
    const monitor = await launch({ metricsPublic: true });
    const paired = await request(`${monitor.url}/pair?code=${monitor.access.pairing.current}`);
    const cookie = String(paired.headers['set-cookie']).split(';')[0]!;
    expect((await request(`${monitor.url}/metrics`, { headers: { cookie } })).status).toBe(200);
    expect((await getJson(`${monitor.url}/api/devices`, { cookie })).status).toBe(403);
    expect((await request(`${monitor.url}/metrics`, { headers: { origin: 'http://evil.example' } })).status).toBe(403);
  });
});

describe('GET /api/stats', () => {
  it('charts a known run for the owner: per-minute counts, kinds apart, 1 min / 15 min / 1 h steps', async () => {
    const monitor = await launch({ concurrency: 2 });
    await start(monitor.url, { name: 'ok' });
    await start(monitor.url, { name: 'fails', parameters: { failAtStep: 1 } });
    await waitFor(() => monitor.engine.counts().completed === 1 && monitor.engine.counts().failed === 1, 'the run finished');
    const hour = await getJson(`${monitor.url}/api/stats?range=1h`);
    expect(hour.status).toBe(200);
    expect(hour.body).toMatchObject({ range: '1h', stepSeconds: 60, kind: null });
    expect(hour.body.points).toHaveLength(60);
    const totals = (hour.body.points as Array<{ completed: number; failed: number }>).reduce((sum, p) => ({ completed: sum.completed + p.completed, failed: sum.failed + p.failed }), { completed: 0, failed: 0 });
    expect(totals).toEqual({ completed: 1, failed: 1 });
    const last = hour.body.points.at(-1) ?? {};
    expect(Object.keys(last).sort()).toEqual(['cancelled', 'completed', 'failed', 'p50', 'p95', 'queueMax', 'runningMax', 't']);
    expect((await getJson(`${monitor.url}/api/stats?range=24h&kind=demo`)).body).toMatchObject({ range: '24h', stepSeconds: 900, kind: 'demo' });
    expect((await getJson(`${monitor.url}/api/stats?range=7d`)).body.points).toHaveLength(168);
    const bad = await getJson(`${monitor.url}/api/stats?range=2h`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('is the owner\'s: a paired device gets 403, a foreign page 403', async () => {
    const monitor = await launch();
    const paired = await request(`${monitor.url}/pair?code=${monitor.access.pairing.current}`);
    const cookie = String(paired.headers['set-cookie']).split(';')[0]!;
    const device = await getJson(`${monitor.url}/api/stats?range=1h`, { cookie });
    expect(device.status).toBe(403);
    expect(device.body).toMatchObject({ code: 'OWNER_ONLY' });
    expect((await request(`${monitor.url}/api/stats`, { headers: { origin: 'http://evil.example' } })).status).toBe(403);
  });
});
