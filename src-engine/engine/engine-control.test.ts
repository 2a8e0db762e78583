import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from './engine-events.js';
import { TaskEngine, type TaskEngineOptions } from './task-engine.js';
import { gatedKind, submitted, until } from '../test-support/engine-helpers.js';
import type { TaskStore } from '../store/task-store.js';
import type { TaskRecord } from './task-record.js';

/** Cancel, retry (by hand and automatic), delete and clear, including their races. */
const engines: TaskEngine[] = [];
function newEngine(options: TaskEngineOptions): TaskEngine {
  const engine = new TaskEngine(options);
  engines.push(engine);
  engine.start();
  return engine;
}
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.stop({ graceMs: 0 })));
});

describe('retry by hand', () => {
  it('runs a failed task again from the start, with progress, result and error cleared', async () => {
    const { kind, gates, started } = gatedKind();
    const engine = newEngine({ kinds: [kind] });
    const id = await submitted(engine, 'gated');
    await until(() => gates.has(id));
    gates.get(id)!.fail(new Error('first run broke'));
    await until(() => engine.get(id)?.state === 'failed');
    gates.delete(id);
    const retried = await engine.retry(id);
    expect(retried.ok).toBe(true);
    await until(() => gates.has(id));
    expect(engine.get(id)).toMatchObject({ state: 'running', error: null, result: null, attempt: 1 });
    gates.get(id)!.finish('second time lucky');
    await until(() => engine.get(id)?.state === 'completed');
    expect(started).toEqual([id, id]);
    expect(engine.get(id)?.result).toBe('second time lucky');
  });

  it('retrying twice: the second retry is refused with invalid-state while the first is queued or running', async () => {
    const { kind, gates } = gatedKind();
    const engine = newEngine({ kinds: [kind], concurrency: 1 });
    const id = await submitted(engine, 'gated');
    await until(() => gates.has(id));
    await engine.cancel(id);
    const [first, second] = await Promise.all([engine.retry(id), engine.retry(id)]);
    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: false, reason: 'invalid-state' });
  });

  it('refuses to retry a task that is running or completed', async () => {
    const { kind, gates } = gatedKind();
    const engine = newEngine({ kinds: [kind] });
    const id = await submitted(engine, 'gated');
    await until(() => gates.has(id));
    expect(await engine.retry(id)).toMatchObject({ ok: false, reason: 'invalid-state' });
    gates.get(id)!.finish();
    await until(() => engine.get(id)?.state === 'completed');
    expect(await engine.retry(id)).toMatchObject({ ok: false, reason: 'invalid-state' });
    expect(await engine.retry('missing')).toMatchObject({ ok: false, reason: 'not-found' });
  });
});

describe('automatic retry', () => {
  it('retries a failing task after an exponential backoff until its attempts run out, then fails', async () => {
    const { kind, gates, started } = gatedKind('flaky', { backoff: { baseMs: 10, maxMs: 40 } });
    const engine = newEngine({ kinds: [kind] });
    const states: string[] = [];
    engine.subscribe((event) => event.type === 'taskUpdated' && event.stateChanged && states.push(`${event.task.state}#${event.task.attempt}`));
    const id = await submitted(engine, 'flaky', { maxAttempts: 3 });
    for (let run = 1; run <= 3; run++) {
      await until(() => started.length === run && gates.has(id), `run ${run}`);
      const gate = gates.get(id)!;
      gates.delete(id);
      gate.fail(new Error(`failure ${run}`));
    }
    await until(() => engine.get(id)?.state === 'failed');
    expect(states).toEqual(['running#1', 'queued#2', 'running#2', 'queued#3', 'running#3', 'failed#3']);
    expect(engine.get(id)).toMatchObject({ error: 'failure 3', attempt: 3, maxAttempts: 3 });
  });

  it('shows the pending retry: state queued, the last error, a retry time and the attempt to come', async () => {
    const { kind, gates } = gatedKind('slow-backoff', { backoff: { baseMs: 60_000, maxMs: 60_000 } });
    const engine = newEngine({ kinds: [kind] });
    const id = await submitted(engine, 'slow-backoff', { maxAttempts: 2 });
    await until(() => gates.has(id));
    gates.get(id)!.fail(new Error('transient'));
    await until(() => engine.get(id)?.state === 'queued');
    const task = engine.get(id)!;
    expect(task).toMatchObject({ attempt: 2, error: 'transient', statusText: 'Retrying in 60 s (attempt 2/2)' });
    expect(task.runAt).toBeGreaterThan(Date.now());
  });

  it('announces the end of the backoff (retryAt cleared) before the retry runs', async () => {
    const { kind, gates, started } = gatedKind('short-backoff', { backoff: { baseMs: 20, maxMs: 20 } });
    const engine = newEngine({ kinds: [kind] });
    const seen: Array<[string, string | null, string]> = [];
    engine.subscribe((event) => event.type === 'taskUpdated' && seen.push([event.task.state, event.task.runAt === null ? null : 'set', event.task.statusText]));
    const id = await submitted(engine, 'short-backoff', { maxAttempts: 2 });
    await until(() => gates.has(id));
    const gate = gates.get(id)!;
    gates.delete(id);
    gate.fail(new Error('transient'));
    await until(() => started.length === 2);
    const queuedEvents = seen.filter(([state]) => state === 'queued');
    expect(queuedEvents).toEqual([
      ['queued', 'set', 'Retrying in 1 s (attempt 2/2)'],
      ['queued', null, 'Queued (attempt 2/2)'],
    ]);
  });

  it('cancel during the backoff ends the task cancelled and it never runs again', async () => {
    const { kind, gates, started } = gatedKind('backoff', { backoff: { baseMs: 50, maxMs: 50 } });
    const engine = newEngine({ kinds: [kind] });
    const id = await submitted(engine, 'backoff', { maxAttempts: 3 });
    await until(() => gates.has(id));
    gates.get(id)!.fail(new Error('transient'));
    await until(() => engine.get(id)?.state === 'queued');
    expect((await engine.cancel(id)).ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(started).toEqual([id]);
    expect(engine.get(id)).toMatchObject({ state: 'cancelled', runAt: null });
  });
});

describe('cancel', () => {
  it('cancel as the task finishes: exactly one final state wins and is announced once', async () => {
    const { kind, gates } = gatedKind();
    const engine = newEngine({ kinds: [kind] });
    const finals: string[] = [];
    engine.subscribe((event) => event.type === 'taskUpdated' && event.stateChanged && event.task.state !== 'running' && finals.push(event.task.state));
    const id = await submitted(engine, 'gated');
    await until(() => gates.has(id));
    gates.get(id)!.finish('made it');
    const cancelled = await engine.cancel(id);
    await until(() => finals.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(finals).toHaveLength(1);
    // Whichever won, the answer agrees with the final state.
    if (cancelled.ok) expect(engine.get(id)?.state).toBe('cancelled');
    else expect(engine.get(id)?.state).toBe('completed');
    expect(finals[0]).toBe(engine.get(id)?.state);
  });
});

describe('delete and clear', () => {
  it('deletes a finished task and announces it; refuses an unfinished one', async () => {
    const { kind, gates } = gatedKind();
    const engine = newEngine({ kinds: [kind] });
    const deleted: string[][] = [];
    engine.subscribe((event) => event.type === 'tasksDeleted' && deleted.push([...event.ids]));
    const id = await submitted(engine, 'gated');
    await until(() => gates.has(id));
    expect(await engine.delete(id)).toMatchObject({ ok: false, reason: 'invalid-state' });
    gates.get(id)!.finish();
    await until(() => engine.get(id)?.state === 'completed');
    expect((await engine.delete(id)).ok).toBe(true);
    expect(engine.get(id)).toBeUndefined();
    expect(deleted).toEqual([[id]]);
    expect(await engine.delete(id)).toMatchObject({ ok: false, reason: 'not-found' });
  });

  it('clears only the given session finished tasks, optionally of one state', async () => {
    const { kind, gates } = gatedKind();
    const engine = newEngine({ kinds: [kind] });
    const ids: string[] = [];
    for (const clientId of ['me', 'me', 'me', 'other']) {
      const outcome = await engine.submit({ name: 'x', clientId, kind: 'gated' });
      if (outcome.ok) ids.push(outcome.task.id);
    }
    await until(() => ids.every((id) => gates.has(id)));
    gates.get(ids[0]!)!.finish();
    gates.get(ids[1]!)!.fail(new Error('no'));
    gates.get(ids[3]!)!.finish();
    await until(() => engine.counts().running === 1);
    expect(await engine.clearFinished('me', ['failed'])).toBe(1);
    expect(engine.get(ids[1]!)).toBeUndefined();
    expect(await engine.clearFinished('me')).toBe(1);
    expect(engine.list({ clientId: 'me' }).items.map((t) => t.id)).toEqual([ids[2]]);
    expect(engine.get(ids[3]!)).toBeDefined();
  });
});

describe('priority', () => {
  it('runs higher-priority tasks first, and equal priorities in submission order', async () => {
    const { kind, gates, started } = gatedKind();
    const engine = newEngine({ kinds: [kind], concurrency: 1 });
    const blocker = await submitted(engine, 'gated');
    await until(() => gates.has(blocker));
    const low = await submitted(engine, 'gated', { priority: -5 });
    const normal1 = await submitted(engine, 'gated');
    const high = await submitted(engine, 'gated', { priority: 5 });
    const normal2 = await submitted(engine, 'gated');
    for (const next of [blocker, high, normal1, normal2]) {
      gates.get(next)!.finish();
      await until(() => started.length === [blocker, high, normal1, normal2, low].indexOf(next) + 2);
    }
    expect(started).toEqual([blocker, high, normal1, normal2, low]);
  });
});

describe('durability before announcement', () => {
  it('announces a state change only after the store has saved it', async () => {
    const log: string[] = [];
    const releases: Array<() => void> = [];
    let holding = true;
    const store: TaskStore = {
      loadAll: () => [],
      save: (task: Readonly<TaskRecord>) => {
        if (!holding) return Promise.resolve();
        log.push(`save:${task.state}`);
        return new Promise<void>((resolve) => releases.push(() => (log.push(`saved:${task.state}`), resolve())));
      },
      saveSoon: () => undefined,
      delete: async () => undefined,
      close: async () => undefined,
    };
    const { kind } = gatedKind();
    const engine = newEngine({ kinds: [kind], store });
    engine.subscribe((event: EngineEvent) => event.type !== 'tasksDeleted' && log.push(`announce:${event.task.state}`));
    const submitting = engine.submit({ name: 'x', clientId: 'c', kind: 'gated' });
    await until(() => releases.length === 1);
    expect(log).toEqual(['save:queued']);
    releases.shift()!();
    await submitting;
    await until(() => releases.length === 1);
    expect(log).toEqual(['save:queued', 'saved:queued', 'announce:queued', 'save:running']);
    releases.shift()!();
    await until(() => log.includes('announce:running'));
    expect(log.indexOf('saved:running')).toBeLessThan(log.indexOf('announce:running'));
    holding = false; // let shutdown save what it must
  });

  it('refuses the task with storage-failed when it cannot be stored, and never runs it', async () => {
    const { kind, started } = gatedKind();
    const errors: unknown[] = [];
    const store: TaskStore = {
      loadAll: () => [],
      save: async () => {
        throw new Error('disk full');
      },
      saveSoon: () => undefined,
      delete: async () => undefined,
      close: async () => undefined,
    };
    const engine = newEngine({ kinds: [kind], store, onStoreError: (error) => errors.push(error) });
    const outcome = await engine.submit({ name: 'x', clientId: 'c', kind: 'gated' });
    expect(outcome).toMatchObject({ ok: false, reason: 'storage-failed' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toEqual([]);
    expect(engine.list().total).toBe(0);
    expect(errors).toHaveLength(1);
  });
});
