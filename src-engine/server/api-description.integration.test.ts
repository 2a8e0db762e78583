import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTaskMonitor, type RunningTaskMonitor } from '../launcher/start-task-monitor.js';
import { getJson, postJson } from '../test-support/http.js';
import { request } from './access/test-support/raw-client.js';
import { DOCS_CSP } from './api-docs.js';
import { buildServer } from './build-server.js';
import { TaskEngine } from '../engine/task-engine.js';
import { JobCatalog } from '../jobs/jobs-catalog.js';
import { MemoryScheduleStore } from '../schedules/schedule-record.js';
import { Scheduler } from '../schedules/scheduler.js';
import { RouteCatalog, routeCatalogOf } from './route-catalog.js';
import { TASK_DTO_SCHEMA } from './schemas/shared-schemas.js';
import { toTaskDto } from './task-dto.js';

let monitor: RunningTaskMonitor;
beforeAll(async () => {
  // With a (fake) UI mounted, so its catch-all route is registered too.
  monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent', graceMs: 0 });
});
afterAll(async () => {
  await monitor.close();
});

/** `/api/tasks/:id` → `/api/tasks/{id}`, as OpenAPI writes paths. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('API description', () => {
  it('/openapi.json validates as OpenAPI 3 and describes every listed endpoint, with its answers', async () => {
    const { status, body } = await getJson(`${monitor.url}/openapi.json`);
    expect(status).toBe(200);
    const result = await new Validator().validate(body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(body.openapi).toMatch(/^3\./);
    expect(Object.keys(body.components.schemas)).toEqual(expect.arrayContaining(['TaskDto', 'ErrorBody', 'TaskCounts']));
    const index = await getJson(`${monitor.url}/`);
    const endpoints = index.body.routes as Array<{ method: string; path: string }>;
    expect(endpoints.length).toBeGreaterThan(10);
    for (const { method, path } of endpoints) {
      const operation = body.paths[openApiPath(path)]?.[method.toLowerCase()];
      expect(operation, `${method} ${path} in the document`).toBeDefined();
      expect(Object.keys(operation.responses), `${method} ${path} answers`).not.toHaveLength(0);
    }
  });

  it('every registered route declares its response schemas (a new route without them fails here)', async () => {
    // A server with the UI catch-all, a jobs file and a scheduler as well: every kind of route this build registers.
    const engine = new TaskEngine();
    const dir = mkdtempSync(join(tmpdir(), 'api-description-'));
    const file = join(dir, 'jobs.json');
    writeFileSync(file, JSON.stringify({ jobs: { hello: { command: [process.execPath, '-e', 'console.log(1)'] } } }));
    const jobs = new JobCatalog(engine, file);
    expect((await jobs.load()).ok).toBe(true);
    const scheduler = new Scheduler({ engine, store: new MemoryScheduleStore() });
    const app = buildServer(engine, { logLevel: 'silent', ui: (_req, res) => res.end('ui'), jobs, scheduler });
    await app.ready();
    const routes = routeCatalogOf(app)!.all();
    // Swagger UI's own static files are not part of the API: they are hidden, and served as files.
    const ours = routes.filter((route) => !(route.hidden && route.path.startsWith('/docs')));
    expect(ours.length).toBeGreaterThan(10);
    // The UI's catch-all, the jobs and the schedules routes were seen too.
    expect(ours.map((route) => route.path)).toEqual(expect.arrayContaining(['/*', '/api/jobs', '/api/schedules', '/api/schedules/:id/run']));
    const undescribed = ours.filter((route) => !route.hasResponseSchema).map((route) => `${route.method} ${route.path}`);
    expect(undescribed).toEqual([]);
    await app.close();
    await jobs.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET / keeps the original fields and lists every endpoint from the registered routes', async () => {
    const { body } = await getJson(`${monitor.url}/`);
    expect(body).toMatchObject({
      message: expect.any(String),
      version: expect.any(String),
      timestamp: expect.any(String),
      endpoints: { health: '/health', taskStart: '/api/task/start', taskStatus: '/api/task/status', webSocket: '/ws', openApi: '/openapi.json', docs: '/docs' },
    });
    const listed = (body.routes as Array<{ method: string; path: string }>).map((route) => `${route.method} ${route.path}`);
    for (const expected of ['GET /health', 'POST /api/task/start', 'GET /api/tasks', 'DELETE /api/tasks/:id', 'GET /metrics', 'GET /openapi.json', 'GET /pair', 'GET /api/devices', 'GET /ws']) {
      expect(listed).toContain(expected);
    }
    expect(listed.some((route) => route.startsWith('HEAD '))).toBe(false);
    expect(listed.some((route) => route.includes('/docs/static'))).toBe(false);
  });

  it('a task answer keeps every field toTaskDto makes (the schema declares them all)', () => {
    const dto = toTaskDto({
      id: 'x', name: 'n', kind: 'demo', parameters: {}, clientId: 'c', state: 'queued', progress: 0, statusText: 'Queued', result: null, error: null,
      createdAt: 0, startedAt: null, completedAt: null, attempt: 1, maxAttempts: 1, priority: 0, runAt: null,
    });
    expect(Object.keys(TASK_DTO_SCHEMA.properties).sort()).toEqual(Object.keys(dto).sort());
  });

  it("the serializer keeps every field of a log page and of a task's history (their schemas declare them all)", async () => {
    const started = await postJson(`${monitor.url}/api/task/start`, { name: 'described', duration: 1000, clientId: 'described-session' });
    const id = started.body.taskId as string;
    // A handler line carries a level, the one optional field of a line.
    monitor.engine.logs.append(id, { time: Date.now(), stream: 'log', level: 'warn', text: 'careful' });
    const page = await getJson(`${monitor.url}/api/tasks/${id}/logs?clientId=described-session`);
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ taskId: id, lines: [{ seq: 1, time: expect.any(String), stream: 'log', level: 'warn', text: 'careful' }], lastSeq: 1, more: false });
    const history = await getJson(`${monitor.url}/api/tasks/${id}/history?clientId=described-session`);
    expect(history.status).toBe(200);
    expect(Object.keys(history.body.task).sort()).toEqual(Object.keys(TASK_DTO_SCHEMA.properties).sort());
    expect(Object.keys(history.body.history[0]).sort()).toEqual(['at', 'attempt', 'error', 'retryAt', 'state', 'status']);
  });

  it('Swagger UI is served at /docs under its own strict policy, with the security headers', async () => {
    const page = await request(`${monitor.url}/docs/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('swagger-ui');
    expect(page.headers['content-security-policy']).toBe(DOCS_CSP);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const initializer = await request(`${monitor.url}/docs/static/swagger-initializer.js`);
    expect(initializer.status).toBe(200);
    const bundle = await request(`${monitor.url}/docs/static/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    // The Host check applies to the docs like to everything else.
    expect((await request(`${monitor.url}/docs/`, { headers: { host: 'attacker.example' } })).status).toBe(403);
  });

  it('the route catalog lists each method once, without HEAD twins or hidden routes', async () => {
    const { default: Fastify } = await import('fastify');
    const app = Fastify();
    const catalog = RouteCatalog.install(app);
    app.get('/a', { schema: { summary: 'A', response: { 200: { type: 'string' } } } }, () => 'a');
    app.route({ method: ['POST', 'PUT'], url: '/b', handler: () => 'b' });
    app.get('/hidden', { schema: { hide: true } }, () => 'h');
    await app.ready();
    expect(catalog.endpoints()).toEqual([{ method: 'GET', path: '/a', summary: 'A' }, { method: 'POST', path: '/b' }, { method: 'PUT', path: '/b' }]);
    expect(catalog.all().filter((route) => !route.hasResponseSchema).map((route) => `${route.method} ${route.path}`)).toEqual(['POST /b', 'PUT /b', 'GET /hidden', 'HEAD /hidden']);
    await app.close();
  });
});
