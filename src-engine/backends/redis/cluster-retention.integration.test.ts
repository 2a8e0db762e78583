import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../engine/engine-events.js';
import { startRedis, type TestRedis } from '../../test-support/redis-server.js';
import { ClusterEngine } from './cluster-engine.js';
import { ClusterStore } from './cluster-store.js';
import { ClusterWorker } from './cluster-worker.js';

/** History in Redis is bounded: final tasks beyond the limit are deleted, oldest first, and their sessions told. */
let redis: TestRedis | undefined;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await redis?.stop();
});

describe('cluster retention', { timeout: 30_000 }, () => {
  it('keeps the newest final tasks up to the history limit and announces the deletion of the others', async () => {
    redis = await startRedis({ aof: false });
    const store = new ClusterStore({ url: redis.url });
    const engine = new ClusterEngine({ store, historyLimit: 2, retentionEveryMs: 100 });
    const worker = new ClusterWorker({ store, kindOf: (name) => engine.kindNamed(name), concurrency: 4 });
    closers.push(() => store.close(), () => engine.stop(), () => worker.stop({ graceMs: 0 }));
    await engine.start();
    await worker.start();
    const events: EngineEvent[] = [];
    engine.subscribe((event) => events.push(event));
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const submitted = await engine.submit({ name: `Kept ${i}`, clientId: 'retention', parameters: { duration: 1000 } });
      if (!submitted.ok) throw new Error(submitted.message);
      ids.push(submitted.task.id);
      await new Promise((resolve) => setTimeout(resolve, 20)); // distinct end times, in submission order
    }
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && engine.list({ clientId: 'retention' }).total > 2) await new Promise((resolve) => setTimeout(resolve, 100));
    const kept = engine.list({ clientId: 'retention' });
    expect(kept.total).toBe(2);
    expect(kept.items.every((task) => task.state === 'completed')).toBe(true);
    const deleted = events.flatMap((event) => (event.type === 'tasksDeleted' ? event.ids : []));
    expect(new Set(deleted)).toEqual(new Set(ids.filter((id) => !kept.items.some((task) => task.id === id))));
    expect(await store.redis.hlen(store.keys.tasks)).toBe(2);
  });
});
