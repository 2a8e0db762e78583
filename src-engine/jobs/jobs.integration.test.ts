import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTaskMonitor, type RunningTaskMonitor } from '../launcher/start-task-monitor.js';
import type { JobListResponse, TaskLogLine, TaskLogPage } from '../protocol/messages.js';
import { getJson, postJson } from '../test-support/http.js';
import { MessageCollector } from '../test-support/message-collector.js';
import { isAlive, waitFor } from './test-support/process-check.js';

/** The jobs feature end to end: a real server, a real jobs file, real child processes. */
const script = (name: string) => fileURLToPath(new URL(`./test-support/${name}`, import.meta.url));
const node = process.execPath;

function jobsFile(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    jobs: {
      progress: {
        title: 'Progress',
        description: 'Reports progress with the line protocol',
        command: [node, script('progress.mjs'), '{code}'],
        parameters: { code: { type: 'integer', default: 0, minimum: 0, maximum: 9 } },
        env: { JOB_SECRET: 'shh' },
      },
      echo: {
        command: [node, script('args.mjs'), '{text}', '--count={count}'],
        parameters: { text: { type: 'string', required: true }, count: { type: 'integer', default: 1 } },
      },
      tree: { command: [node, script('tree.mjs'), 'stubborn'], killGraceMs: 500 },
      secret: { title: 'Owner only', command: [node, script('args.mjs')], allow: ['owner'] },
      greet: { module: script('kind.mjs') },
      slow: { command: [node, script('slow.mjs'), '{lines}'], parameters: { lines: { type: 'integer', default: 40 } } },
      hang: { module: script('hang.mjs'), timeoutMs: 300 },
      ...extra,
    },
  });
}

let dir: string;
let file: string;
let monitor: RunningTaskMonitor;
const sockets: MessageCollector[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jobs-it-'));
  file = join(dir, 'jobs.json');
  writeFileSync(file, jobsFile());
  monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent', dataDir: join(dir, 'data'), jobs: file });
});

afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await monitor.close();
  rmSync(dir, { recursive: true, force: true });
});

async function connect(sessionId: string): Promise<MessageCollector> {
  const socket = await MessageCollector.open(monitor.url, sessionId);
  sockets.push(socket);
  return socket;
}

async function startJob(job: string, parameters: Record<string, unknown>, clientId: string, headers: Record<string, string> = {}) {
  return postJson(`${monitor.url}/api/task/start`, { name: `run ${job}`, job, parameters, clientId }, headers);
}

async function pairedCookie(): Promise<string> {
  const response = await fetch(`${monitor.url}/pair?code=${monitor.access.pairing.current}`, { redirect: 'manual' });
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

async function allLogLines(taskId: string, clientId: string): Promise<TaskLogLine[]> {
  const lines: TaskLogLine[] = [];
  for (let after = 0; ; ) {
    const page = (await getJson(`${monitor.url}/api/tasks/${taskId}/logs?clientId=${clientId}&after=${after}&limit=5000`)).body as TaskLogPage;
    lines.push(...page.lines);
    if (!page.more || page.lines.length === 0) return lines;
    after = page.lines.at(-1)!.seq;
  }
}

describe('GET /api/jobs', () => {
  it('lists the jobs with their parameter schema; the owner also sees command, cwd and env', async () => {
    const { status, body } = await getJson(`${monitor.url}/api/jobs`);
    expect(status).toBe(200);
    const list = body as JobListResponse;
    expect(list.error).toBeNull();
    expect(list.jobs.map((job) => job.id)).toEqual(['progress', 'echo', 'tree', 'secret', 'greet', 'slow', 'hang']);
    const progress = list.jobs[0]!;
    expect(progress).toMatchObject({ title: 'Progress', description: 'Reports progress with the line protocol', type: 'command', allow: ['owner', 'paired'], env: { JOB_SECRET: 'shh' } });
    expect(progress.command).toEqual([node, script('progress.mjs'), '{code}']);
    expect(progress.parameterSchema).toEqual({ type: 'object', additionalProperties: false, properties: { code: { type: 'integer', default: 0, minimum: 0, maximum: 9 } }, required: [] });
    expect(list.jobs.find((job) => job.id === 'greet')!.parameterSchema).toMatchObject({ required: ['who'] });
  });

  it('a paired device sees only the jobs it may start, and never a command, folder or environment', async () => {
    const { body } = await getJson(`${monitor.url}/api/jobs`, { cookie: await pairedCookie() });
    const list = body as JobListResponse;
    expect(list.jobs.map((job) => job.id)).toEqual(['progress', 'echo', 'tree', 'greet', 'slow', 'hang']);
    const text = JSON.stringify(list);
    expect(text).not.toContain('progress.mjs');
    expect(text).not.toContain('shh');
    expect(list.jobs[0]).not.toHaveProperty('command');
  });
});

describe('POST /api/task/start with a job', () => {
  it.each([
    [{ job: 'nope' }, 'UNKNOWN_JOB', "No job 'nope'"],
    [{ job: 'echo', parameters: {} }, 'INVALID_PARAMETERS', "Parameter 'text' is required"],
    [{ job: 'echo', parameters: { text: 'a', extra: 1 } }, 'INVALID_PARAMETERS', "Unknown parameter 'extra' (this job takes: text, count)"],
    [{ job: 'echo', parameters: { text: 'a', count: '5' } }, 'INVALID_PARAMETERS', "Parameter 'count' must be a whole number"],
    [{ job: 'progress', parameters: { code: 12 } }, 'INVALID_PARAMETERS', "Parameter 'code' must be <= 9"],
    [{ job: 'greet', parameters: { who: 'nobody' } }, 'INVALID_PARAMETERS', 'who must be somebody'],
    [{ job: 'echo', kind: 'demo', parameters: { text: 'a' } }, 'VALIDATION_FAILED', 'Give job or kind, not both'],
    [{ job: 'echo', duration: 2000, parameters: { text: 'a' } }, 'VALIDATION_FAILED', 'duration belongs to the demo task'],
  ])('refuses %j with 400 %s naming what is wrong', async (body, code, message) => {
    const response = await postJson(`${monitor.url}/api/task/start`, { name: 'bad', clientId: 'bad', ...body });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code, taskId: '', status: 'Error' });
    expect(response.body.message).toContain(message);
  });

  it('a paired device cannot start an owner-only job, by job or by kind; the owner can', async () => {
    const cookie = await pairedCookie();
    expect((await startJob('secret', {}, 'paired', { cookie })).body).toMatchObject({ code: 'UNKNOWN_JOB' });
    const byKind = await postJson(`${monitor.url}/api/task/start`, { name: 'x', kind: 'secret', clientId: 'paired' }, { cookie });
    expect(byKind.body).toMatchObject({ code: 'UNKNOWN_KIND' });
    expect((await startJob('secret', {}, 'owner')).status).toBe(200);
  });

  it('runs a job: progress and result on the task, stdout and stderr lines live over the WebSocket and identical over REST', async () => {
    const socket = await connect('live');
    const { body } = await startJob('progress', {}, 'live');
    const taskId = body.taskId as string;
    socket.send(JSON.stringify({ type: 'subscribeLog', taskId }));
    const final = await socket.waitForFinal(taskId);
    expect(final.data).toMatchObject({ state: 'completed', result: 'all done', job: 'progress', kind: 'progress', progress: 100 });
    expect(socket.progressOf(taskId).map((task) => [task.progress, task.status])).toEqual(expect.arrayContaining([[25, 'a quarter'], [75, 'a quarter']]));
    await socket.waitFor((m) => m.type === 'taskLog' && m.data.seq >= 2, 'both log lines');
    const live = socket.ofType('taskLog').flatMap((m) => m.data.lines);
    expect(live.map((line) => [line.seq, line.stream, line.text])).toEqual([
      [1, 'stdout', 'starting'],
      [2, 'stderr', 'a warning on stderr'],
    ]);
    expect(await allLogLines(taskId, 'live')).toEqual(live);
    // Another session neither reads nor follows it.
    expect((await getJson(`${monitor.url}/api/tasks/${taskId}/logs?clientId=other`)).status).toBe(404);
    const other = await connect('other');
    other.send(JSON.stringify({ type: 'subscribeLog', taskId }));
    expect((await other.waitFor((m) => m.type === 'taskLogRefused', 'refusal')).data).toMatchObject({ taskId, code: 'NOT_FOUND' });
  });

  it('downloads the log as text', async () => {
    const { body } = await startJob('progress', { code: 2 }, 'text');
    const taskId = body.taskId as string;
    await waitFor(async () => (await getJson(`${monitor.url}/api/tasks/${taskId}?clientId=text`)).body.state === 'failed', 'the task failed');
    const task = (await getJson(`${monitor.url}/api/tasks/${taskId}?clientId=text`)).body;
    expect(task.error).toBe('Exited with code 2: a warning on stderr\nfirst problem\nsecond problem');
    const response = await fetch(`${monitor.url}/api/tasks/${taskId}/logs.txt?clientId=text`);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="task-${taskId}.log"`);
    const text = await response.text();
    expect(text.split('\n').filter(Boolean).map((line) => line.replace(/^\S+ /, ''))).toEqual([
      'stdout    starting',
      'stderr    a warning on stderr',
      'stderr    first problem',
      'stderr    second problem',
    ]);
  });

  it('hands hostile parameter values to the program as one literal argument', async () => {
    const text = '"; rm -rf ~ $(id) `id`\nnext line';
    const { body } = await startJob('echo', { text }, 'inject');
    const taskId = body.taskId as string;
    await waitFor(async () => (await getJson(`${monitor.url}/api/tasks/${taskId}?clientId=inject`)).body.state === 'completed', 'the task completed');
    const task = (await getJson(`${monitor.url}/api/tasks/${taskId}?clientId=inject`)).body;
    expect(JSON.parse(task.result)).toEqual([text, '--count=1']);
  });

  it('runs a module kind: its schema, its log lines with levels, its result', async () => {
    const { body } = await startJob('greet', { who: 'Ada' }, 'module');
    const taskId = body.taskId as string;
    await waitFor(async () => (await getJson(`${monitor.url}/api/tasks/${taskId}?clientId=module`)).body.state === 'completed', 'the task completed');
    expect((await getJson(`${monitor.url}/api/tasks/${taskId}?clientId=module`)).body).toMatchObject({ result: 'Hello, Ada!', job: 'greet' });
    expect((await allLogLines(taskId, 'module')).map((line) => [line.stream, line.level, line.text])).toEqual([
      ['log', 'info', 'greeting Ada'],
      ['log', 'warn', 'almost there'],
    ]);
  });

  it('a module kind (a plain object will do) fails at its timeoutMs, its signal aborted', async () => {
    const taskId = (await startJob('hang', {}, 'hang')).body.taskId as string;
    await waitFor(async () => (await getJson(`${monitor.url}/api/tasks/${taskId}?clientId=hang`)).body.state === 'failed', 'the task failed');
    expect((await getJson(`${monitor.url}/api/tasks/${taskId}?clientId=hang`)).body).toMatchObject({ error: 'Timed out after 300 ms', job: 'hang' });
  });

  it('cancel ends the whole process tree of a job', async () => {
    const { body } = await startJob('tree', {}, 'cancel');
    const taskId = body.taskId as string;
    let pids: number[] = [];
    await waitFor(async () => {
      const line = (await allLogLines(taskId, 'cancel')).find((l) => l.text.startsWith('pids '));
      pids = line ? line.text.split(' ').slice(1).map(Number) : [];
      return pids.length === 2;
    }, 'the tree started');
    expect(pids.every(isAlive)).toBe(true);
    const cancelled = await postJson(`${monitor.url}/api/tasks/${taskId}/cancel`, { clientId: 'cancel' });
    expect(cancelled.body).toMatchObject({ state: 'cancelled' });
    await waitFor(() => !pids.some(isAlive), 'no process of the tree is alive');
  });
});

describe('editing the jobs file', () => {
  it('an invalid edit keeps the last good set and says why; a valid edit applies without a restart', async () => {
    writeFileSync(file, jobsFile({ broken: { command: [node], timeoutMs: 'soon' } }));
    await waitFor(async () => (await getJson(`${monitor.url}/api/jobs`)).body.error !== null, 'the error is reported');
    const refused = (await getJson(`${monitor.url}/api/jobs`)).body as JobListResponse;
    expect(refused.error).toContain("job 'broken': timeoutMs must be integer");
    expect(refused.jobs.map((job) => job.id)).toEqual(['progress', 'echo', 'tree', 'secret', 'greet', 'slow', 'hang']);
    expect((await startJob('echo', { text: 'still here' }, 'edit')).status).toBe(200);
    // A paired device hears that something is wrong, not what the owner's file says.
    const paired = (await getJson(`${monitor.url}/api/jobs`, { cookie: await pairedCookie() })).body as JobListResponse;
    expect(paired.error).toBe('The jobs file has a problem (its owner can see which); the last good jobs stay in effect');
    expect(paired).not.toHaveProperty('file');

    writeFileSync(file, jobsFile({ added: { title: 'Added', command: [node, script('args.mjs')] } }));
    await waitFor(async () => (await getJson(`${monitor.url}/api/jobs`)).body.jobs.some((job: { id: string }) => job.id === 'added'), 'the new job is listed');
    expect((await getJson(`${monitor.url}/api/jobs`)).body.error).toBeNull();
    expect((await startJob('added', {}, 'edit')).status).toBe(200);

    // A running task keeps the definition it started with; a removed job takes no new tasks.
    const running = (await startJob('slow', { lines: 20 }, 'edit')).body.taskId as string;
    await waitFor(async () => (await allLogLines(running, 'edit')).length >= 1, 'the slow job is running');
    const { slow: _slow, ...withoutSlow } = JSON.parse(jobsFile()).jobs as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ jobs: withoutSlow }));
    await waitFor(async () => !(await getJson(`${monitor.url}/api/jobs`)).body.jobs.some((job: { id: string }) => job.id === 'slow'), 'slow is gone');
    expect((await startJob('slow', {}, 'edit')).body).toMatchObject({ code: 'UNKNOWN_JOB' });
    await waitFor(async () => (await getJson(`${monitor.url}/api/tasks/${running}?clientId=edit`)).body.state !== 'running', 'the running task ended');
    expect((await getJson(`${monitor.url}/api/tasks/${running}?clientId=edit`)).body).toMatchObject({ state: 'completed', result: '20 lines', job: 'slow' });
    writeFileSync(file, jobsFile());
    await waitFor(async () => (await getJson(`${monitor.url}/api/jobs`)).body.jobs.some((job: { id: string }) => job.id === 'slow'), 'slow is back');
  });
});

describe('following logs over the WebSocket', () => {
  it('a subscription gets the stored lines above `after` first; unsubscribeLog stops the stream', async () => {
    const socket = await connect('follow');
    const taskId = (await startJob('slow', { lines: 40 }, 'follow')).body.taskId as string;
    await waitFor(async () => (await allLogLines(taskId, 'follow')).length >= 3, 'a few lines logged');
    socket.send(JSON.stringify({ type: 'subscribeLog', taskId, after: 1 }));
    const first = await socket.waitFor((m) => m.type === 'taskLog', 'the backlog');
    expect(first.type === 'taskLog' && first.data.lines[0]).toMatchObject({ seq: 2, text: 'line 2' });
    await socket.waitFor((m) => m.type === 'taskLog' && m !== first, 'a live frame');
    socket.send(JSON.stringify({ type: 'unsubscribeLog', taskId }));
    await new Promise((resolve) => setTimeout(resolve, 400)); // frames already on their way
    const frames = socket.ofType('taskLog').length;
    await socket.waitForFinal(taskId, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(socket.ofType('taskLog').length).toBe(frames);
    // Live and stored lines agree: every line seen live is stored, identical.
    const stored = new Map((await allLogLines(taskId, 'follow')).map((line) => [line.seq, line]));
    for (const line of socket.ofType('taskLog').flatMap((m) => m.data.lines)) expect(stored.get(line.seq)).toEqual(line);
  });

  it('a socket follows at most 32 logs at once', async () => {
    const socket = await connect('many');
    const ids: string[] = [];
    for (let i = 0; i < 33; i++) ids.push((await postJson(`${monitor.url}/api/task/start`, { name: `demo ${i}`, duration: 30000, clientId: 'many' })).body.taskId);
    for (const taskId of ids) socket.send(JSON.stringify({ type: 'subscribeLog', taskId }));
    const refusal = await socket.waitFor((m) => m.type === 'taskLogRefused', 'a refusal');
    expect(refusal.data).toMatchObject({ taskId: ids[32], code: 'TOO_MANY_SUBSCRIPTIONS' });
    expect(socket.ofType('taskLog')).toHaveLength(32);
    for (const taskId of ids) await postJson(`${monitor.url}/api/tasks/${taskId}/cancel`, { clientId: 'many' });
  });
});
