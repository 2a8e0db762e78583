import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteTaskStore } from '../store/sqlite-task-store.js';
import { gatedKind, submitted, until } from '../test-support/engine-helpers.js';
import { setDiskFull } from '../test-support/store-faults.js';
import type { EngineEvent } from './engine-events.js';
import { TaskEngine } from './task-engine.js';

/**
 * A store write failure is part of the engine's state machine (issue #11, item 1): what could not
 * be written is not announced, no new work is taken, and everything resumes once writes succeed.
 * The disk is "full" on demand: SQLite itself answers SQLITE_FULL (see setDiskFull).
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setUp() {
  const path = join(mkdtempSync(join(tmpdir(), 'engine-store-failure-')), 'tasks.db');
  const store = SqliteTaskStore.open(path);
  const { kind, gates, started } = gatedKind('gated');
  const errors: unknown[] = [];
  const engine = new TaskEngine({ store, kinds: [kind], concurrency: 1, onStoreError: (error) => errors.push(error) });
  const events: EngineEvent[] = [];
  engine.subscribe((event) => events.push(event));
  engine.start();
  cleanups.push(async () => {
    if (store.failure !== undefined) setDiskFull(store, false);
    await engine.stop({ graceMs: 0 });
    await store.close();
  });
  const announced = (id: string) => events.filter((e) => (e.type === 'taskQueued' || (e.type === 'taskUpdated' && e.stateChanged)) && e.task.id === id).map((e) => (e.type === 'taskQueued' || e.type === 'taskUpdated' ? e.task.state : ''));
  return { path, store, engine, gates, started, events, errors, announced };
}

describe('the engine when the task database cannot be written', () => {
  it('holds a final state it could not write, announces it once durable, and refuses new tasks meanwhile with the cause', async () => {
    const { path, store, engine, gates, started, announced } = setUp();
    const [a, b, c] = [await submitted(engine, 'gated'), await submitted(engine, 'gated'), await submitted(engine, 'gated')];
    await until(() => gates.has(a) && announced(a).includes('running'), 'the first task running');

    setDiskFull(store, true);
    gates.get(a)!.finish('x'.repeat(20_000)); // a result that needs pages the disk does not have
    await until(() => engine.storeFailure !== undefined, 'the engine to see the failure');
    expect(engine.storeFailure).toBe('disk full (SQLITE_FULL)');
    // B was taken in the same turn as A ended, before the write failed; it ends while failing.
    await until(() => gates.has(b), 'the second task to start');
    gates.get(b)!.finish('done too');
    await new Promise((resolve) => setTimeout(resolve, 300)); // several retries, all failing
    expect(announced(a)).toEqual(['queued', 'running']); // Completed is not written, so not told
    expect(announced(b)).toEqual(['queued']);
    expect(started).toEqual([a, b]); // C waits for the store

    const refused = await engine.submit({ name: 'new', clientId: 'c', kind: 'gated' });
    expect(refused).toMatchObject({ ok: false, reason: 'storage-failed', message: expect.stringContaining('disk full (SQLITE_FULL)') });

    setDiskFull(store, false); // space is back: everything resumes by itself
    await until(() => announced(a).includes('completed') && announced(b).includes('completed'), 'Completed to be announced');
    expect(announced(a)).toEqual(['queued', 'running', 'completed']);
    expect(announced(b)).toEqual(['queued', 'running', 'completed']); // in order, once durable
    expect(engine.storeFailure).toBeUndefined();
    await until(() => started.includes(c), 'the third task to start');
    expect(await submitted(engine, 'gated')).toBeTruthy();

    // What was announced is what the file holds.
    await engine.stop({ graceMs: 0 });
    await store.close();
    const reopened = SqliteTaskStore.open(path);
    const byId = new Map(reopened.loadAll().map((task) => [task.id, task]));
    await reopened.close();
    expect(byId.get(a)).toMatchObject({ state: 'completed' });
    expect(byId.get(b)).toMatchObject({ state: 'completed', result: 'done too' });
  });

  it('refuses a new task whose own write fails with storage-failed naming the cause, and never runs it', async () => {
    const { store, engine, started, errors } = setUp();
    setDiskFull(store, true);
    const outcome = await engine.submit({ name: 'y'.repeat(20_000), clientId: 'c', kind: 'gated' });
    expect(outcome).toMatchObject({ ok: false, reason: 'storage-failed', message: expect.stringContaining('disk full (SQLITE_FULL)') });
    expect(engine.list().total).toBe(0);
    expect(started).toEqual([]);
    expect(String((errors[0] as Error).message)).toContain('SQLITE_FULL'); // the log names the real cause
  });
});
