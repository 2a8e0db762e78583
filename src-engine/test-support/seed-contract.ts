import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson } from './http.js';
import { MessageCollector } from './message-collector.js';

/** Where the contract suite runs: REST requests go to `restUrl`, sockets to `wsUrl` (the same server, or two nodes of a cluster). */
export interface ContractTarget {
  readonly restUrl: string;
  readonly wsUrl: string;
  close(): Promise<void>;
}

/**
 * The seed's scenarios, over real sockets against a real server: what a client written for the
 * original sees must be exactly what it saw there. Run against one node and against a cluster
 * (tasks submitted on one node, watched on another, run by a separate worker process).
 */
export function describeSeedContract(setup: () => Promise<ContractTarget>): void {
  let target: ContractTarget;
  const sockets: MessageCollector[] = [];

  async function connect(sessionId?: string): Promise<MessageCollector> {
    const collector = await MessageCollector.open(target.wsUrl, sessionId);
    sockets.push(collector);
    return collector;
  }

  async function start(body: Record<string, unknown>, headers?: Record<string, string>): Promise<string> {
    const response = await postJson(`${target.restUrl}/api/task/start`, body, headers);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.taskId as string;
  }

  beforeAll(async () => {
    target = await setup();
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    await target?.close();
  });

  describe('seed scenarios', () => {
    it('single task: connection, snapshot, taskQueued, Running, ten steps, then Completed with the result text', async () => {
      const client = await connect('single-session');
      const taskId = await start({ name: 'Single', duration: 1000, clientId: 'single-session' });
      await client.waitForFinal(taskId);

      expect(client.messages[0]).toMatchObject({ type: 'connection', data: { status: 'connected', socketId: 'single-session' } });
      expect(client.messages[1]).toMatchObject({ type: 'snapshot', data: { tasks: [], total: 0, counts: { queued: 0, running: 0, completed: 0 } } });
      const queued = client.ofType('taskQueued');
      expect(queued).toHaveLength(1);
      expect(queued[0]!.data).toMatchObject({ id: taskId, name: 'Single', status: 'Queued', progress: 0, clientId: 'single-session' });
      expect(Date.parse(queued[0]!.data.createdAt)).not.toBeNaN();

      const progress = client.progressOf(taskId);
      expect(progress.map((p) => [p.status, p.progress])).toEqual([
        ['Running', 0],
        ...Array.from({ length: 10 }, (_, i) => [`Processing step ${i + 1}/10`, (i + 1) * 10]),
        ['Completed', 100],
      ]);
      expect(progress[0]!.startedAt).not.toBeNull();
      const final = progress.at(-1)!;
      expect(final.result).toMatch(/^Task 'Single' completed successfully at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(final.completedAt).not.toBeNull();
      expect(final.error).toBeNull();
      for (const message of client.messages) expect(Date.parse(message.timestamp)).not.toBeNaN();
    });

    it('several concurrent tasks each get their own full, ordered sequence', async () => {
      const client = await connect('concurrent-session');
      const ids = await Promise.all([1, 2, 3].map((i) => start({ name: `Concurrent ${i}`, duration: 1000, clientId: 'concurrent-session' })));
      await Promise.all(ids.map((id) => client.waitForFinal(id)));
      for (const id of ids) {
        const progress = client.progressOf(id).map((p) => p.progress);
        expect(progress).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 100]);
      }
      const startedAt = ids.map((id) => Date.parse(client.progressOf(id)[0]!.startedAt!));
      // They ran side by side, not one after another.
      expect(Math.max(...startedAt) - Math.min(...startedAt)).toBeLessThan(500);
    });

    it('two clients are isolated: neither hears about the other one tasks', async () => {
      const alice = await connect('alice');
      const bob = await connect('bob');
      const aliceTask = await start({ name: 'Alice task', duration: 1000, clientId: 'alice' });
      const bobTask = await start({ name: 'Bob task', duration: 1000, clientId: 'bob' });
      await Promise.all([alice.waitForFinal(aliceTask), bob.waitForFinal(bobTask)]);
      const ids = (collector: MessageCollector) =>
        new Set(collector.messages.flatMap((m) => (m.type === 'taskQueued' || m.type === 'taskProgress' ? [m.data.id] : [])));
      expect(ids(alice)).toEqual(new Set([aliceTask]));
      expect(ids(bob)).toEqual(new Set([bobTask]));
    });

    it('a second socket of the same session receives the same task messages', async () => {
      const first = await connect('shared-session');
      const second = await connect('shared-session');
      const taskId = await start({ name: 'Shared', duration: 1000 }, { 'X-Session-Id': 'shared-session' });
      await Promise.all([first.waitForFinal(taskId), second.waitForFinal(taskId)]);
      expect(second.progressOf(taskId)).toEqual(first.progressOf(taskId));
      expect(first.ofType('taskQueued').map((m) => m.data.id)).toEqual([taskId]);
    });

    it('reconnecting with the same session id mid-task gets the task in the snapshot and its remaining updates', async () => {
      const before = await connect('reconnect-session');
      const taskId = await start({ name: 'Long', duration: 2000, clientId: 'reconnect-session' });
      await before.waitFor((m) => m.type === 'taskProgress' && m.data.id === taskId && m.data.progress >= 30, 'progress 30');
      await before.close();

      const after = await connect('reconnect-session');
      const snapshot = await after.waitFor((m) => m.type === 'snapshot', 'snapshot');
      expect(snapshot.type === 'snapshot' && snapshot.data.tasks.map((t) => [t.id, t.state])).toEqual([[taskId, 'running']]);
      const final = await after.waitForFinal(taskId);
      expect(final.data.status).toBe('Completed');
      expect(after.progressOf(taskId).length).toBeGreaterThan(1);
    });

    it('task failure: failAtStep ends the task Failed with a clear error after the steps before it', async () => {
      const client = await connect('failure-session');
      const taskId = await start({ name: 'Doomed', duration: 1000, clientId: 'failure-session', parameters: { failAtStep: 4 } });
      const final = await client.waitForFinal(taskId);
      expect(final.data).toMatchObject({ status: 'Failed', state: 'failed', error: 'Simulated failure at step 4/10', result: null });
      expect(final.data.completedAt).not.toBeNull();
      expect(client.progressOf(taskId).map((p) => p.progress)).toEqual([0, 10, 20, 30, 30]);
    });

    it('ping gets a pong with a timestamp', async () => {
      const client = await connect();
      client.send(JSON.stringify({ type: 'ping', timestamp: new Date().toISOString() }));
      const pong = await client.waitFor((m) => m.type === 'pong', 'pong');
      expect(Date.parse((pong.data as { timestamp: string }).timestamp)).not.toBeNaN();
    });

    it('a socket without a session id gets a fresh UUID as its socket id', async () => {
      const client = await connect();
      const connection = await client.waitFor((m) => m.type === 'connection', 'connection');
      expect((connection.data as { socketId: string }).socketId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('REST contract', () => {
    it('GET / describes the API with the original endpoints', async () => {
      const { status, body } = await getJson(`${target.restUrl}/`);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        message: expect.any(String),
        version: expect.any(String),
        endpoints: { health: '/health', taskStart: '/api/task/start', taskStatus: '/api/task/status', webSocket: '/ws' },
      });
    });

    it('GET /health counts open WebSockets', async () => {
      const { body: before } = await getJson(`${target.wsUrl}/health`);
      const client = await connect('health-session');
      const { body: after } = await getJson(`${target.wsUrl}/health`);
      expect(before).toMatchObject({ status: 'Healthy', service: expect.any(String) });
      expect(after.activeConnections).toBe(before.activeConnections + 1);
      await client.close();
    });

    it('GET /api/task/status and /api/task/health have the original shapes', async () => {
      const status = await getJson(`${target.restUrl}/api/task/status`);
      expect(status.body).toMatchObject({ message: expect.any(String), activeWebSocketConnections: expect.any(Number), queuedTasks: expect.any(Number), status: 'Healthy' });
      const health = await getJson(`${target.restUrl}/api/task/health`);
      expect(health.body).toMatchObject({ status: 'Healthy', service: expect.any(String), timestamp: expect.any(String) });
    });

    it('POST /api/task/start answers with taskId, message, status Queued and a timestamp', async () => {
      const response = await postJson(`${target.restUrl}/api/task/start`, { name: 'Shape', duration: 1000, clientId: 'shape' });
      expect(response.body).toMatchObject({ taskId: expect.stringMatching(/^[0-9a-f-]{36}$/), message: expect.any(String), status: 'Queued' });
      expect(Date.parse(response.body.timestamp)).not.toBeNaN();
    });

    it('the task owner is clientId, then X-Socket-Id, X-Session-Id, X-Client-Id, else a fresh UUID', async () => {
      const owner = async (body: Record<string, unknown>, headers: Record<string, string>) => {
        const response = await postJson(`${target.restUrl}/api/task/start`, { name: 'Owner', duration: 1000, ...body }, headers);
        return (await getJson(`${target.restUrl}/api/tasks/${response.body.taskId}?clientId=${response.body.clientId}`)).body.clientId;
      };
      const all = { 'X-Socket-Id': 'sock', 'X-Session-Id': 'sess', 'X-Client-Id': 'cli' };
      expect(await owner({ clientId: 'body' }, all)).toBe('body');
      expect(await owner({}, all)).toBe('sock');
      expect(await owner({}, { 'X-Session-Id': 'sess', 'X-Client-Id': 'cli' })).toBe('sess');
      expect(await owner({}, { 'X-Client-Id': 'cli' })).toBe('cli');
      expect(await owner({}, {})).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('a plain GET of /ws gets 400 "WebSocket connection required"', async () => {
      const response = await fetch(`${target.restUrl}/ws`);
      expect(response.status).toBe(400);
      expect(await response.text()).toBe('WebSocket connection required');
    });

    it('GET /api/tasks lists only the caller session tasks, newest first, and 400s without a session', async () => {
      await start({ name: 'List one', duration: 1000, clientId: 'lister' });
      await start({ name: 'List two', duration: 1000, clientId: 'lister' });
      await start({ name: 'Not mine', duration: 1000, clientId: 'someone-else' });
      const { body } = await getJson(`${target.restUrl}/api/tasks?clientId=lister`);
      expect(body.total).toBe(2);
      expect(body.items.map((t: { name: string }) => t.name)).toEqual(['List two', 'List one']);
      const counted = body.counts as Record<string, number>;
      expect(Object.values(counted).reduce((a, b) => a + b, 0)).toBe(2); // the session's tasks by state
      const filtered = await getJson(`${target.restUrl}/api/tasks?clientId=lister&q=two`);
      expect(filtered.body).toMatchObject({ total: 1, counts: counted });
      const missing = await getJson(`${target.restUrl}/api/tasks`);
      expect(missing.status).toBe(400);
      expect(missing.body).toMatchObject({ code: 'SESSION_REQUIRED', status: 'Error' });
    });

    it('GET /api/tasks/:id is 404 for an unknown id and for another session task', async () => {
      const taskId = await start({ name: 'Private', duration: 1000, clientId: 'owner-1' });
      expect((await getJson(`${target.restUrl}/api/tasks/${taskId}?clientId=owner-1`)).status).toBe(200);
      expect((await getJson(`${target.restUrl}/api/tasks/${taskId}?clientId=owner-2`)).status).toBe(404);
      expect((await getJson(`${target.restUrl}/api/tasks/nope?clientId=owner-1`)).body).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('POST /api/tasks/:id/cancel cancels a running task and answers 409 once it is final', async () => {
      const client = await connect('cancel-session');
      const taskId = await start({ name: 'Cancel me', duration: 5000, clientId: 'cancel-session' });
      await client.waitFor((m) => m.type === 'taskProgress' && m.data.id === taskId && m.data.state === 'running', 'running');
      const cancelled = await postJson(`${target.restUrl}/api/tasks/${taskId}/cancel`, { clientId: 'cancel-session' });
      expect(cancelled.status).toBe(200);
      const final = await client.waitForFinal(taskId);
      expect(final.data).toMatchObject({ status: 'Cancelled', state: 'cancelled' });
      const again = await postJson(`${target.restUrl}/api/tasks/${taskId}/cancel`, { clientId: 'cancel-session' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('INVALID_STATE');
    });
  });

  describe('bad input', () => {
    const cases: Array<[string, unknown, number, string]> = [
      ['a missing name', { duration: 1000 }, 400, 'Task name is required'],
      ['a blank name', { name: '   ', duration: 1000 }, 400, 'Task name is required'],
      ['a name that is not a string', { name: 42 }, 400, 'Task name is required'],
      ['a duration below 1000', { name: 'x', duration: 999 }, 400, 'Duration must be between 1000 and 30000 ms'],
      ['a duration above 30000', { name: 'x', duration: 30001 }, 400, 'Duration must be between 1000 and 30000 ms'],
      ['a duration given as a string', { name: 'x', duration: '5000' }, 400, 'Duration must be a whole number of milliseconds between 1000 and 30000'],
      ['a body that is an array', [1, 2], 400, 'Request body must be a JSON object'],
      ['malformed JSON', '{"name": ', 400, 'The request body is not valid JSON'],
      ['an unknown kind', { name: 'x', kind: 'rocket' }, 400, "Unknown task kind 'rocket'"],
      ['a bad failAtStep', { name: 'x', duration: 1000, parameters: { failAtStep: 0 } }, 400, 'failAtStep must be a whole number from 1 to 10'],
    ];
    it.each(cases)('POST /api/task/start with %s gets %i and "%s" in the original error shape', async (_label, body, status, message) => {
      const response = await postJson(`${target.restUrl}/api/task/start`, body);
      expect(response.status).toBe(status);
      expect(response.body).toMatchObject({ taskId: '', message, status: 'Error' });
      expect(Date.parse(response.body.timestamp)).not.toBeNaN();
    });

    it('a body that is not JSON gets 415 with a hint', async () => {
      const response = await fetch(`${target.restUrl}/api/task/start`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<task/>' });
      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('application/json') });
    });

    it('malformed, binary and unknown WebSocket frames are ignored and the connection stays open', async () => {
      const client = await connect('garbage-session');
      client.send('{not json');
      client.send(Buffer.from([0, 1, 2, 3]), { binary: true });
      client.send(JSON.stringify({ type: 'launchMissiles' }));
      client.send(JSON.stringify(null));
      client.send('"just a string"');
      client.send(JSON.stringify({ type: 'ping' }));
      await client.waitFor((m) => m.type === 'pong', 'pong after garbage');
      expect(client.socket.readyState).toBe(client.socket.OPEN);
      const taskId = await start({ name: 'After garbage', duration: 1000, clientId: 'garbage-session' });
      expect((await client.waitForFinal(taskId)).data.status).toBe('Completed');
    });
  });
}
