import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finishedTask, setDiskFull } from '../test-support/store-faults.js';
import { SqliteTaskStore } from './sqlite-task-store.js';
import type { WriteHealthEvent } from './write-health.js';

function openStore(): SqliteTaskStore {
  const store = SqliteTaskStore.open(join(mkdtempSync(join(tmpdir(), 'write-health-')), 'tasks.db'));
  store.loadAll();
  return store;
}

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a store whose disk fills up (SQLITE_FULL)', () => {
  it('holds changes it could not write, retries them, and resolves their saves only once durable', async () => {
    const store = openStore();
    const events: WriteHealthEvent[] = [];
    store.health.subscribe((event) => events.push(event));
    const running = { ...finishedTask(1), state: 'running' as const, result: null, statusText: 'Running' };
    await store.save(running);

    setDiskFull(store, true);
    const done = Object.assign(running, { state: 'completed' as const, statusText: 'Completed', result: 'x'.repeat(20_000) }); // needs new pages
    let durable = false;
    const saved = store.save(done).then(() => (durable = true));
    await until(() => store.failure !== undefined, 'the failure to show');
    expect(store.failure).toBe('disk full (SQLITE_FULL)');
    expect(events[0]).toMatchObject({ failure: 'disk full (SQLITE_FULL)', held: 1 });
    await new Promise((resolve) => setTimeout(resolve, 400)); // a few retries, all failing
    expect(durable).toBe(false);

    // A new task cannot be stored: refused at once, with the real cause.
    await expect(store.save(finishedTask(2))).rejects.toMatchObject({ code: 'ERR_STORE_WRITE', message: expect.stringContaining('disk full (SQLITE_FULL)') });

    setDiskFull(store, false); // space is back
    await saved;
    expect(store.failure).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ failure: undefined });
    expect(store.loadAll()).toEqual([done]);
    await store.close();
  });

  it('notices that space is back even when nothing was held (a probe write), and takes new tasks again', async () => {
    const store = openStore();
    setDiskFull(store, true);
    await expect(store.save({ ...finishedTask(1), result: 'x'.repeat(20_000) })).rejects.toMatchObject({ code: 'ERR_STORE_WRITE' });
    expect(store.failure).toBe('disk full (SQLITE_FULL)');
    await new Promise((resolve) => setTimeout(resolve, 400)); // a few probes, all failing
    expect(store.failure).toBe('disk full (SQLITE_FULL)');
    setDiskFull(store, false);
    await until(() => store.failure === undefined, 'the store to notice space is back');
    await store.save(finishedTask(2));
    expect(store.loadAll().map((task) => task.id)).toEqual([finishedTask(2).id]);
    await store.close();
  });

  it('gives up on held changes when told to stop retrying (shutdown), rejecting their saves', async () => {
    const store = openStore();
    const task = finishedTask(1);
    await store.save(task);
    setDiskFull(store, true);
    task.result = 'x'.repeat(20_000);
    const saved = store.save(task);
    await until(() => store.failure !== undefined, 'the failure to show');
    store.stopRetrying();
    await expect(saved).rejects.toMatchObject({ code: 'ERR_STORE_WRITE' });
    await store.close();
  });
});
