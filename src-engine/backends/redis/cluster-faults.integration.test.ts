import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../protocol/messages.js';
import { runCli, type CliProcess } from '../../test-support/cli-process.js';
import { getJson, postJson } from '../../test-support/http.js';
import { MessageCollector } from '../../test-support/message-collector.js';
import { startCluster, type TestCluster } from './test-support/cluster.js';

/**
 * Distributed mode with real processes and real faults: nodes and workers on one Redis, killed
 * and restarted, while clients watch. Whatever fails, a client sees every numbered message of its
 * session once, in order, and every accepted task reaches a final state.
 */
let cluster: TestCluster | undefined;
const sockets: MessageCollector[] = [];
const apiProcesses: CliProcess[] = [];

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  for (const node of apiProcesses.splice(0)) node.child.kill('SIGKILL');
  await cluster?.close();
  cluster = undefined;
});

async function watch(url: string, sessionId: string): Promise<MessageCollector> {
  const socket = await MessageCollector.open(url, sessionId);
  sockets.push(socket);
  return socket;
}

async function submit(url: string, body: Record<string, unknown>): Promise<string> {
  const response = await postJson(`${url}/api/task/start`, body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.taskId as string;
}

const connectionOf = (socket: MessageCollector) => socket.ofType('connection')[0]!.data as { epoch: string; seq: number };
/** Numbers must run 1, 2, 3, ... from where the greeting said, with no gap and no repeat. */
function expectConsecutive(seqs: number[], from: number): void {
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => from + i + 1));
}
/** The numbered messages as comparable text (same bytes on every node). */
const numbered = (messages: ServerMessage[]) => messages.filter((m) => m.seq !== undefined).map((m) => JSON.stringify(m));

describe('distributed mode (two API nodes, workers, one Redis)', { timeout: 90_000 }, () => {
  it('a task submitted on node A is heard on node B with every message in order, the same bytes as on A', async () => {
    cluster = await startCluster({ nodes: 2, workers: 1 });
    const [a, b] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0]];
    const onA = await watch(a.url, 'across');
    const onB = await watch(b.url, 'across');
    const ids = await Promise.all([1, 2, 3].map((i) => submit(a.url, { name: `Across ${i}`, duration: 1000, clientId: 'across' })));
    await Promise.all(ids.map((id) => onB.waitForFinal(id)));
    await Promise.all(ids.map((id) => onA.waitForFinal(id)));
    expectConsecutive(onB.seqs, 0);
    expect(onB.seqs.length).toBe(3 * 13); // queued, running, ten steps, completed
    expect(numbered(onB.messages)).toEqual(numbered(onA.messages));
    for (const id of ids) expect(onB.progressOf(id).map((p) => p.progress)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 100]);
    const listed = await getJson(`${b.url}/api/tasks?clientId=across&state=completed`);
    expect(listed.body).toMatchObject({ total: 3, counts: { completed: 3 } });
  });

  it('cancel sent to node B stops a task running on the worker of node A', async () => {
    cluster = await startCluster({ nodes: 0, workers: 0 });
    const a = await cluster.addNode({ noWorkers: false, concurrency: 2 });
    const b = await cluster.addNode();
    const client = await watch(b.url, 'cancel-across');
    const id = await submit(a.url, { name: 'Long', duration: 20_000, clientId: 'cancel-across' });
    await client.waitFor((m) => m.type === 'taskProgress' && m.data.id === id && m.data.progress >= 10, 'running on A');
    const cancelled = await postJson(`${b.url}/api/tasks/${id}/cancel`, { clientId: 'cancel-across' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ state: 'cancelled' });
    const final = await client.waitForFinal(id);
    expect(final.data).toMatchObject({ state: 'cancelled', error: 'Cancelled by request' });
    expect(final.data.progress).toBeLessThan(100);
    expectConsecutive(client.seqs, 0);
  });

  it('a worker killed mid-task: another worker runs it again and the client sees the second attempt through to the end', async () => {
    cluster = await startCluster({ nodes: 2, workers: 1 });
    const [a, b] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0]];
    const client = await watch(b.url, 'stall');
    const id = await submit(a.url, { name: 'Survivor', duration: 10_000, clientId: 'stall' });
    await client.waitFor((m) => m.type === 'taskProgress' && m.data.id === id && m.data.progress >= 30, 'progress on the first worker');
    const spare = await cluster.addWorker();
    await cluster.workers[0]!.kill();
    const final = await client.waitForFinal(id, 40_000);
    expect(final.data).toMatchObject({ state: 'completed', attempt: 2 });
    const rerun = client.progressOf(id).find((p) => p.attempt === 2);
    expect(rerun).toMatchObject({ state: 'running', progress: 0, status: 'Running again (attempt 2): its worker was lost' });
    expectConsecutive(client.seqs, 0);
    expect(spare.child.exitCode).toBeNull();
  });

  it('an API node killed: its clients reconnect to the other node and resume with exactly what they missed', async () => {
    cluster = await startCluster({ nodes: 0, workers: 1 });
    const redis = cluster.redis.url;
    const args = ['--headless', '--redis', redis, '--no-workers', '--host', '127.0.0.1', '--port', '0', '--in-memory', '--log-format', 'json'];
    const [first, second] = [runCli(args), runCli(args)];
    apiProcesses.push(first, second);
    const [a, b] = await Promise.all([first.listening(), second.listening()]);
    const reference = await watch(b, 'failover'); // stays on B throughout
    const client = await watch(a, 'failover');
    const ids = await Promise.all([1, 2].map((i) => submit(b, { name: `Failover ${i}`, duration: 3000, clientId: 'failover' })));
    await client.waitFor((m) => m.type === 'taskProgress' && m.data.progress >= 20, 'some progress through A');
    first.child.kill('SIGKILL');
    await client.closed;
    const seen = client.seqs;
    const { epoch } = connectionOf(client);
    await reference.waitFor((m) => (m.seq ?? 0) >= Math.max(...seen) + 3, 'messages while the client is away');
    const back = await MessageCollector.resume(b, 'failover', { epoch, lastSeq: Math.max(...seen) });
    sockets.push(back);
    await Promise.all(ids.map((id) => back.waitForFinal(id)));
    await Promise.all(ids.map((id) => reference.waitForFinal(id)));
    const resumed = back.ofType('resumed')[0];
    expect(resumed?.data.replayed).toBeGreaterThan(0);
    const all = [...seen, ...back.seqs];
    expectConsecutive(all, 0);
    expect([...numbered(client.messages), ...numbered(back.messages)]).toEqual(numbered(reference.messages));
  });

  it('Redis restarted (AOF): every acknowledged task is still there and runs to its end', async () => {
    cluster = await startCluster({ nodes: 2, workers: 1 });
    const [a, b] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0]];
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await submit(a.url, { name: `Durable ${i}`, duration: 1000, clientId: 'aof' }));
    await cluster.redis.crash(); // SIGKILL: no save
    const health = await getJson(`${b.url}/health`);
    expect(health.body).toMatchObject({ status: 'Degraded' });
    await cluster.redis.startAgain(); // on the same AOF
    const deadline = Date.now() + 40_000;
    let body: { items: { id: string; state: string }[]; total: number } = { items: [], total: 0 };
    while (Date.now() < deadline) {
      const response = await getJson(`${b.url}/api/tasks?clientId=aof&limit=100`).catch(() => undefined);
      if (response?.status === 200) {
        body = response.body;
        if (body.items.length === ids.length && body.items.every((task) => task.state === 'completed')) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(new Set(body.items.map((task) => task.id))).toEqual(new Set(ids));
    expect(body.items.map((task) => task.state)).toEqual(ids.map(() => 'completed'));
  });
});

describe('jobs and logs in distributed mode', { timeout: 60_000 }, () => {
  it('a command job from the jobs file runs on a worker process; its output is read as the task log on another node', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const folder = mkdtempSync(join(tmpdir(), 'task-monitor-cluster-jobs-'));
    const jobsFile = join(folder, 'jobs.json');
    const script = "for (let i = 1; i <= 5; i++) console.log('line ' + i); console.log('::progress 100 done')";
    writeFileSync(jobsFile, JSON.stringify({ jobs: { echo: { title: 'Echo', command: [process.execPath, '-e', script] } } }));
    cluster = await startCluster({ nodes: 0, workers: 0 });
    const a = await cluster.addNode({ jobs: jobsFile });
    const b = await cluster.addNode({ jobs: jobsFile });
    await cluster.addWorker(['--jobs', jobsFile]);
    const client = await watch(b.url, 'jobs');
    const id = await submit(a.url, { name: 'Echo it', kind: 'echo', clientId: 'jobs' });
    const final = await client.waitForFinal(id, 30_000);
    expect(final.data).toMatchObject({ state: 'completed', job: 'echo' });
    let lines: string[] = [];
    for (let i = 0; i < 50 && lines.length < 5; i++) {
      const page = await getJson(`${b.url}/api/tasks/${id}/logs?clientId=jobs`);
      lines = (page.body.lines as { text: string }[]).map((line) => line.text);
      if (lines.length < 5) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(lines.filter((text) => text.startsWith('line '))).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
  });
});

describe('workers that stop', { timeout: 90_000 }, () => {
  it('a worker stopped gracefully hands its unfinished task back to the queue, and another worker runs it to the end', async () => {
    cluster = await startCluster({ nodes: 1, workers: 0 });
    const [a] = cluster.nodes as [typeof cluster.nodes[0]];
    const leaving = await cluster.addWorker(['--grace-ms', '300']);
    const client = await watch(a.url, 'graceful');
    const id = await submit(a.url, { name: 'Handed over', duration: 8000, clientId: 'graceful' });
    await client.waitFor((m) => m.type === 'taskProgress' && m.data.id === id && m.data.progress >= 10, 'running on the leaving worker');
    expect(await leaving.stop()).toBe(0);
    const handedBack = await client.waitFor((m) => m.type === 'taskProgress' && m.data.id === id && m.data.state === 'queued', 'back in the queue');
    expect(handedBack.type === 'taskProgress' && handedBack.data.status).toBe('Queued (its worker stopped; runs again on another worker)');
    await cluster.addWorker();
    const final = await client.waitForFinal(id, 30_000);
    expect(final.data).toMatchObject({ state: 'completed', attempt: 1 }); // a clean stop costs no attempt
    expectConsecutive(client.seqs, 0);
  });

  it('a job that must not run twice (onInterrupted: fail) fails when its worker is lost, instead of running again', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { fileURLToPath } = await import('node:url');
    const slow = fileURLToPath(new URL('../../jobs/test-support/slow.mjs', import.meta.url));
    const jobsFile = join(mkdtempSync(join(tmpdir(), 'task-monitor-cluster-once-')), 'jobs.json');
    writeFileSync(jobsFile, JSON.stringify({ jobs: { once: { command: [process.execPath, slow, '400'], onInterrupted: 'fail' } } }));
    cluster = await startCluster({ nodes: 0, workers: 0 });
    const a = await cluster.addNode({ jobs: jobsFile });
    const first = await cluster.addWorker(['--jobs', jobsFile]);
    const client = await watch(a.url, 'once');
    const id = await submit(a.url, { name: 'Only once', kind: 'once', clientId: 'once' });
    await client.waitFor((m) => m.type === 'taskProgress' && m.data.id === id && m.data.state === 'running', 'running');
    await cluster.addWorker(['--jobs', jobsFile]);
    await first.kill();
    const final = await client.waitForFinal(id, 40_000);
    expect(final.data).toMatchObject({ state: 'failed', attempt: 1, error: 'Interrupted: the worker running it stopped or lost its connection' });
  });
});

describe('per-kind limits across the cluster', { timeout: 90_000 }, () => {
  it('a job with concurrency 1 never runs twice at once, whichever workers take its tasks', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { fileURLToPath } = await import('node:url');
    const slow = fileURLToPath(new URL('../../jobs/test-support/slow.mjs', import.meta.url));
    const jobsFile = join(mkdtempSync(join(tmpdir(), 'task-monitor-cluster-limit-')), 'jobs.json');
    writeFileSync(jobsFile, JSON.stringify({ jobs: { single: { command: [process.execPath, slow, '16'], concurrency: 1 } } }));
    cluster = await startCluster({ nodes: 0, workers: 0 });
    const a = await cluster.addNode({ jobs: jobsFile });
    await cluster.addWorker(['--jobs', jobsFile]);
    await cluster.addWorker(['--jobs', jobsFile]);
    const client = await watch(a.url, 'limited');
    const ids = await Promise.all([1, 2, 3].map((i) => submit(a.url, { name: `Limited ${i}`, kind: 'single', clientId: 'limited' })));
    const finals = await Promise.all(ids.map((id) => client.waitForFinal(id, 60_000)));
    expect(finals.map((final) => final.data.state)).toEqual(['completed', 'completed', 'completed']);
    const spans = finals.map((final) => [Date.parse(final.data.startedAt!), Date.parse(final.data.completedAt!)] as const).sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
  });
});

describe('a cluster node that cannot start', { timeout: 60_000 }, () => {
  it('exits with code 1 and the jobs file error, leaving no Redis connection to keep it alive', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const jobsFile = join(mkdtempSync(join(tmpdir(), 'task-monitor-cluster-bad-')), 'jobs.json');
    writeFileSync(jobsFile, JSON.stringify({ jobs: { broken: { command: 'not an argv array' } } }));
    cluster = await startCluster({ nodes: 0, workers: 0 });
    const node = runCli(['--headless', '--redis', cluster.redis.url, '--host', '127.0.0.1', '--port', '0', '--in-memory', '--jobs', jobsFile]);
    apiProcesses.push(node);
    const code = await Promise.race([node.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 20_000))]);
    expect(code).toBe(1);
    expect(node.output()).toMatch(/broken/);
  });
});
