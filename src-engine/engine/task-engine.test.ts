import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from './engine-events.js';
import { defineTaskKind, TaskParameterError } from './task-kind.js';
import { TaskEngine } from './task-engine.js';
import { gatedKind, submitted, until } from '../test-support/engine-helpers.js';

const engines: TaskEngine[] = [];
function newEngine(options: ConstructorParameters<typeof TaskEngine>[0] = {}): TaskEngine {
  const engine = new TaskEngine(options);
  engines.push(engine);
  return engine;
}

afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.stop({ graceMs: 0 })));
});

describe('TaskEngine', () => {
  it('takes a task from queued through running to completed, announcing each change in order', async () => {
    const { kind, gates } = gatedKind();
    const engine = newEngine({ kinds: [kind] });
    const events: string[] = [];
    engine.subscribe((event: EngineEvent) => event.type !== "tasksDeleted" && events.push(`${event.type}:${event.task.state}:${event.task.progress}:${event.task.statusText}`));
    engine.start();
    const outcome = await engine.submit({ name: 'job', clientId: 'c1', kind: 'gated' });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    await until(() => gates.has(outcome.task.id));
    gates.get(outcome.task.id)!.finish('done!');
    await until(() => engine.get(outcome.task.id)?.state === 'completed');
    expect(events).toEqual([
      'taskQueued:queued:0:Queued',
      'taskUpdated:running:0:Running',
      'taskUpdated:running:50:half way',
      'taskUpdated:completed:100:Completed',
    ]);
    const task = engine.get(outcome.task.id)!;
    expect(task.result).toBe('done!');
    expect(task.startedAt).not.toBeNull();
    expect(task.completedAt).toBeGreaterThanOrEqual(task.startedAt!);
  });

  it('never runs more tasks at once than its concurrency', async () => {
    const { kind, gates, started } = gatedKind();
    const engine = newEngine({ kinds: [kind], concurrency: 2 });
    engine.start();
    const ids: string[] = [];
    for (const i of [1, 2, 3, 4]) {
      const outcome = await engine.submit({ name: `t${i}`, clientId: 'c', kind: 'gated' });
      if (!outcome.ok) throw new Error('refused');
      ids.push(outcome.task.id);
    }
    await until(() => started.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toEqual(ids.slice(0, 2));
    expect(engine.counts()).toMatchObject({ running: 2, queued: 2 });
    gates.get(ids[0]!)!.finish();
    await until(() => started.length === 3);
    expect(started[2]).toBe(ids[2]);
  });

  it('refuses at once with queue-full when the queue is at capacity, and accepts again once there is room', async () => {
    const { kind } = gatedKind();
    const engine = newEngine({ kinds: [kind], capacity: 2, concurrency: 1 });
    expect((await engine.submit({ name: 'a', clientId: 'c', kind: 'gated' })).ok).toBe(true);
    expect((await engine.submit({ name: 'b', clientId: 'c', kind: 'gated' })).ok).toBe(true);
    const refused = await engine.submit({ name: 'c', clientId: 'c', kind: 'gated' });
    expect(refused).toMatchObject({ ok: false, reason: 'queue-full' });
    expect(engine.list().total).toBe(2);
    engine.start(); // one worker takes a task out of the queue
    await until(() => engine.counts().running === 1);
    expect((await engine.submit({ name: 'd', clientId: 'c', kind: 'gated' })).ok).toBe(true);
  });

  it('refuses unknown kinds and invalid parameters before anything is queued', async () => {
    const strict = defineTaskKind({
      name: 'strict',
      parse: (parameters) => {
        if (typeof parameters['size'] !== 'number') throw new TaskParameterError('size must be a number');
        return parameters;
      },
      run: async () => undefined,
    });
    const engine = newEngine({ kinds: [strict] });
    const events: EngineEvent[] = [];
    engine.subscribe((event) => events.push(event));
    expect(await engine.submit({ name: 'x', clientId: 'c', kind: 'nope' })).toMatchObject({ ok: false, reason: 'unknown-kind' });
    expect(await engine.submit({ name: 'x', clientId: 'c', kind: 'strict', parameters: { size: 'big' } })).toEqual({
      ok: false,
      reason: 'invalid-parameters',
      message: 'size must be a number',
    });
    expect(events).toEqual([]);
    expect(engine.list().total).toBe(0);
  });

  it('marks a task failed with the handler error message when the handler throws', async () => {
    const { kind, gates } = gatedKind();
    const engine = newEngine({ kinds: [kind] });
    engine.start();
    const id = await submitted(engine, 'gated');
    await until(() => gates.has(id));
    gates.get(id)!.fail(new Error('disk on fire'));
    await until(() => engine.get(id)?.state === 'failed');
    expect(engine.get(id)).toMatchObject({ state: 'failed', statusText: 'Failed', error: 'disk on fire', result: null });
  });

  it('cancels a queued task at once so that it never runs', async () => {
    const { kind, started } = gatedKind();
    const engine = newEngine({ kinds: [kind], concurrency: 1 });
    const first = await engine.submit({ name: 'first', clientId: 'c', kind: 'gated' });
    const second = await engine.submit({ name: 'second', clientId: 'c', kind: 'gated' });
    if (!first.ok || !second.ok) throw new Error('refused');
    expect(await engine.cancel(second.task.id)).toMatchObject({ ok: true });
    expect(engine.get(second.task.id)).toMatchObject({ state: 'cancelled', statusText: 'Cancelled' });
    engine.start();
    await until(() => started.length === 1);
    await engine.cancel(first.task.id);
    await until(() => engine.get(first.task.id)?.state === 'cancelled');
    expect(started).toEqual([first.task.id]);
  });

  it('aborts a running task through its signal and ends it cancelled', async () => {
    const { kind, gates } = gatedKind();
    const engine = newEngine({ kinds: [kind] });
    engine.start();
    const id = await submitted(engine, 'gated');
    await until(() => gates.has(id));
    expect((await engine.cancel(id)).ok).toBe(true);
    expect(gates.get(id)!.signal.aborted).toBe(true);
    await until(() => engine.get(id)?.state === 'cancelled');
    expect(engine.get(id)?.error).toBe('Cancelled by request');
  });

  it('refuses to cancel a finished task (invalid-state) or an unknown one (not-found)', async () => {
    const { kind, gates } = gatedKind();
    const engine = newEngine({ kinds: [kind] });
    engine.start();
    const id = await submitted(engine, 'gated');
    await until(() => gates.has(id));
    gates.get(id)!.finish();
    await until(() => engine.get(id)?.state === 'completed');
    expect(await engine.cancel(id)).toMatchObject({ ok: false, reason: 'invalid-state' });
    expect(await engine.cancel('no-such-id')).toMatchObject({ ok: false, reason: 'not-found' });
  });

  it('clamps progress to 0-100 and ignores reports that arrive after the task ended', async () => {
    let late: ((progress: number) => void) | undefined;
    const sloppy = defineTaskKind({
      name: 'sloppy',
      parse: (parameters) => parameters,
      run: async ({ report }) => {
        report(250, 'too far');
        report(-3);
        late = (progress) => report(progress, 'late');
        return 'ok';
      },
    });
    const engine = newEngine({ kinds: [sloppy] });
    const progress: number[] = [];
    engine.subscribe((event) => event.type === 'taskUpdated' && progress.push(event.task.progress));
    engine.start();
    const outcome = await engine.submit({ name: 'x', clientId: 'c', kind: 'sloppy' });
    if (!outcome.ok) throw new Error('refused');
    await until(() => engine.get(outcome.task.id)?.state === 'completed');
    late!(42);
    expect(progress).toEqual([0, 100, 0, 100]); // running, clamped 250, clamped -3, completed
    expect(engine.get(outcome.task.id)?.statusText).toBe('Completed');
  });

  it('lists tasks newest first, filtered by session, state and name, with the total before paging', async () => {
    let clock = 1000;
    const engine = newEngine({ now: () => clock++ });
    for (const [name, clientId] of [['alpha', 'a'], ['beta', 'b'], ['alphabet', 'a'], ['gamma', 'a']] as const) {
      await engine.submit({ name, clientId, parameters: { duration: 1000 } });
    }
    expect(engine.list({ clientId: 'a' }).items.map((t) => t.name)).toEqual(['gamma', 'alphabet', 'alpha']);
    expect(engine.list({ clientId: 'a', q: 'ALPHA' }).items.map((t) => t.name)).toEqual(['alphabet', 'alpha']);
    expect(engine.list({ clientId: 'a', limit: 1, offset: 1 })).toMatchObject({ total: 3, items: [{ name: 'alphabet' }] });
    expect(engine.list({ state: 'running' }).total).toBe(0);
  });

  it('counts each session queued tasks as they enter and leave the queue', async () => {
    const { kind, gates } = gatedKind();
    const engine = newEngine({ kinds: [kind], concurrency: 1 });
    const a1 = await engine.submit({ name: 'a1', clientId: 'a', kind: 'gated' });
    await engine.submit({ name: 'a2', clientId: 'a', kind: 'gated' });
    const b1 = await engine.submit({ name: 'b1', clientId: 'b', kind: 'gated' });
    expect([engine.queuedFor('a'), engine.queuedFor('b'), engine.queuedFor('nobody')]).toEqual([2, 1, 0]);
    if (!a1.ok || !b1.ok) throw new Error('refused');
    await engine.cancel(b1.task.id);
    engine.start();
    await until(() => gates.has(a1.task.id));
    expect([engine.queuedFor('a'), engine.queuedFor('b')]).toEqual([1, 0]);
  });

  it('forgets the oldest finished tasks past its history limit, never unfinished ones', async () => {
    const quick = defineTaskKind({ name: 'quick', parse: (p) => p, run: async () => 'ok' });
    const engine = newEngine({ kinds: [quick], historyLimit: 3, concurrency: 1 });
    engine.start();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const outcome = await engine.submit({ name: `q${i}`, clientId: 'c', kind: 'quick' });
      if (outcome.ok) ids.push(outcome.task.id);
    }
    await until(() => engine.counts().queued === 0 && engine.counts().running === 0);
    expect(engine.list().items.map((t) => t.name)).toEqual(['q4', 'q3', 'q2']);
  });

  it('keeps running when a listener throws, and other listeners still hear every event', async () => {
    const quick = defineTaskKind({ name: 'quick', parse: (p) => p, run: async () => 'ok' });
    const engine = newEngine({ kinds: [quick] });
    engine.subscribe(() => {
      throw new Error('listener bug');
    });
    const seen: string[] = [];
    engine.subscribe((event) => event.type !== 'tasksDeleted' && seen.push(event.task.state));
    engine.start();
    const outcome = await engine.submit({ name: 'x', clientId: 'c', kind: 'quick' });
    if (!outcome.ok) throw new Error('refused');
    await until(() => engine.get(outcome.task.id)?.state === 'completed');
    expect(seen).toEqual(['queued', 'running', 'completed']);
  });

  describe('stop', () => {
    it('refuses new tasks and lets running tasks finish within the grace period', async () => {
      const { kind, gates } = gatedKind();
      const engine = newEngine({ kinds: [kind] });
      engine.start();
      const id = await submitted(engine, 'gated');
      await until(() => gates.has(id));
      const stopped = engine.stop({ graceMs: 5000 });
      expect(await engine.submit({ name: 'late', clientId: 'c', kind: 'gated' })).toMatchObject({ ok: false, reason: 'stopped' });
      gates.get(id)!.finish('finished in time');
      await stopped;
      expect(engine.get(id)).toMatchObject({ state: 'completed', result: 'finished in time' });
    });

    it('cancels tasks still running when the grace period ends, and leaves queued ones queued', async () => {
      const { kind, gates } = gatedKind();
      const engine = newEngine({ kinds: [kind], concurrency: 1 });
      engine.start();
      const running = await engine.submit({ name: 'slow', clientId: 'c', kind: 'gated' });
      const waiting = await engine.submit({ name: 'waiting', clientId: 'c', kind: 'gated' });
      if (!running.ok || !waiting.ok) throw new Error('refused');
      await until(() => gates.has(running.task.id));
      await engine.stop({ graceMs: 30 });
      expect(engine.get(running.task.id)).toMatchObject({ state: 'cancelled', error: 'Server shutting down' });
      expect(engine.get(waiting.task.id)?.state).toBe('queued');
    });
  });

  it('rejects a concurrency or capacity below 1 with a clear RangeError', () => {
    expect(() => new TaskEngine({ concurrency: 0 })).toThrow(/concurrency must be a whole number of at least 1/);
    expect(() => new TaskEngine({ capacity: 1.5 })).toThrow(/capacity must be a whole number/);
  });
});
