import { afterEach, describe, expect, it } from 'vitest';
import { getJson, postJson } from '../../test-support/http.js';
import { startCluster, type TestCluster } from './test-support/cluster.js';

/**
 * Schedules in distributed mode: kept in Redis, visible on every node, and fired by BullMQ's job
 * schedulers, so that each due time starts one run, not one per node.
 */
let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe('cluster schedules', { timeout: 60_000 }, () => {
  it('a schedule made on node A shows on node B and fires once per due time across both nodes', async () => {
    cluster = await startCluster({ nodes: 2, workers: 1 });
    const [a, b] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0]];
    const created = await postJson(`${a.url}/api/schedules`, { name: 'Every 2 s', kind: 'demo', parameters: { duration: 1000 }, cron: '*/2 * * * * *', overlap: 'allow', clientId: 'sched' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const seenOnB = async () => ((await getJson(`${b.url}/api/schedules`)).body.items as { id: string }[]).some((s) => s.id === id);
    for (let i = 0; i < 40 && !(await seenOnB()); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await seenOnB()).toBe(true);

    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 7000));
    const stopped = await fetch(`${b.url}/api/schedules/${id}`, { method: 'DELETE' });
    expect(stopped.status).toBe(200);
    const elapsedS = (Date.now() - started) / 1000;

    const runs = (await getJson(`${a.url}/api/tasks?clientId=sched&limit=100`)).body.items as { scheduleId: string; createdAt: string }[];
    const times = runs.filter((run) => run.scheduleId === id).map((run) => Date.parse(run.createdAt)).sort((x, y) => x - y);
    // Every two seconds, once: about elapsed/2 runs (never one per node per due time).
    expect(times.length).toBeGreaterThanOrEqual(2);
    expect(times.length).toBeLessThanOrEqual(Math.ceil(elapsedS / 2) + 1);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(1000);
  });
});
