import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteTaskStore } from '../store/sqlite-task-store.js';
import { gatedKind, until } from '../test-support/engine-helpers.js';
import type { TaskRecord } from './task-record.js';
import { TaskEngine } from './task-engine.js';

/** What a restart finds in the database, and what the engine makes of it. */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'engine-recovery-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'tasks.db');
}

function stored(id: string, overrides: Partial<TaskRecord>): TaskRecord {
  return {
    id, name: id, kind: 'gated', parameters: {}, clientId: 'c', state: 'queued', progress: 0, statusText: 'Queued',
    result: null, error: null, createdAt: Date.now(), startedAt: null, completedAt: null, attempt: 1, maxAttempts: 1, priority: 0, runAt: null,
    ...overrides,
  };
}

async function seed(path: string, tasks: TaskRecord[]): Promise<void> {
  const store = SqliteTaskStore.open(path);
  await Promise.all(tasks.map((task) => store.save(task)));
  await store.close();
}

function startEngine(path: string, kinds: Parameters<typeof gatedKind>[1][] = []) {
  const store = SqliteTaskStore.open(path);
  const gated = gatedKind('gated', kinds[0] ?? {});
  const failing = gatedKind('fragile', { onInterrupted: 'fail' });
  const engine = new TaskEngine({ store, kinds: [gated.kind, failing.kind] });
  engine.start();
  cleanups.push(async () => {
    await engine.stop({ graceMs: 0 });
    await store.close();
  });
  return { engine, store, gated };
}

describe('recovery after a crash', () => {
  it('queues stored queued tasks again, in their order, and runs them', async () => {
    const path = tempDbPath();
    await seed(path, [stored('q1', { createdAt: 1 }), stored('q2', { createdAt: 2 })]);
    const { engine, gated } = startEngine(path);
    await until(() => gated.started.length === 2);
    expect(gated.started).toEqual(['q1', 'q2']);
    expect(engine.get('q1')?.state).toBe('running');
  });

  it('re-runs a task that was running when the process died (at least once), as a new attempt', async () => {
    const path = tempDbPath();
    await seed(path, [stored('r1', { state: 'running', progress: 60, statusText: 'Processing step 6/10', startedAt: 5 })]);
    const { engine, gated, store } = startEngine(path);
    await until(() => gated.started.includes('r1'));
    expect(engine.get('r1')).toMatchObject({ state: 'running', attempt: 2, progress: 50 });
    gated.gates.get('r1')!.finish('done after restart');
    await until(() => engine.get('r1')?.state === 'completed');
    await until(() => store.loadAll()[0]?.state === 'completed');
  });

  it('fails an interrupted task of a kind that must not run twice, with an "interrupted" error, durably', async () => {
    const path = tempDbPath();
    await seed(path, [stored('f1', { kind: 'fragile', state: 'running' })]);
    const { engine, store } = startEngine(path);
    expect(engine.get('f1')).toMatchObject({ state: 'failed', error: 'Interrupted: the server stopped while this task was running' });
    await until(() => store.loadAll()[0]?.state === 'failed');
  });

  it('stops re-running a task that keeps getting interrupted, so it cannot crash the server forever', async () => {
    const path = tempDbPath();
    await seed(path, [stored('loop', { state: 'running', attempt: 3 })]);
    const { engine } = startEngine(path);
    expect(engine.get('loop')).toMatchObject({ state: 'failed', error: expect.stringContaining('Interrupted') });
  });

  it('keeps finished tasks as history, and resumes a retry backoff where it left off', async () => {
    const path = tempDbPath();
    await seed(path, [
      stored('done', { state: 'completed', progress: 100, statusText: 'Completed', result: 'ok', completedAt: 10 }),
      stored('later', { state: 'queued', attempt: 2, maxAttempts: 3, runAt: Date.now() + 60_000, error: 'transient' }),
      stored('soon', { state: 'queued', attempt: 2, maxAttempts: 3, runAt: Date.now() - 1 }),
    ]);
    const { engine, gated } = startEngine(path);
    expect(engine.get('done')).toMatchObject({ state: 'completed', result: 'ok' });
    await until(() => gated.started.includes('soon'));
    expect(gated.started).not.toContain('later');
    expect(engine.get('later')).toMatchObject({ state: 'queued', error: 'transient' });
    expect(engine.counts()).toMatchObject({ completed: 1, queued: 1, running: 1 });
  });
});
