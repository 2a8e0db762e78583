import { afterEach, describe, expect, it } from 'vitest';
import { TaskEngine } from '../engine/task-engine.js';
import { gatedKind, submitted, until } from '../test-support/engine-helpers.js';
import type { EngineEvent } from '../engine/engine-events.js';
import type { TaskRecord } from '../engine/task-record.js';
import type { TaskService } from '../engine/task-service.js';
import { reconstructHistory, TaskHistory } from './task-history.js';

const engines: TaskEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.stop({ graceMs: 0 })));
});

function setup(options: { perTask?: number; maxTasks?: number } = {}) {
  const gated = gatedKind();
  const engine = new TaskEngine({ kinds: [gated.kind] });
  engines.push(engine);
  engine.start();
  return { ...gated, engine, history: new TaskHistory(engine, options) };
}

describe('TaskHistory', () => {
  it('keeps every state change of every attempt, in order, and no progress ticks', async () => {
    const { engine, gates, history } = setup();
    const id = await submitted(engine, 'gated', { maxAttempts: 2 });
    await until(() => gates.has(id));
    gates.get(id)!.fail(new Error('first run broke'));
    gates.delete(id);
    await until(() => gates.has(id), 'the second attempt'); // after a short backoff
    gates.get(id)!.finish('fine');
    await until(() => engine.get(id)?.state === 'completed');
    const entries = history.of(id);
    expect(entries.map((e) => [e.state, e.attempt])).toEqual([
      ['queued', 1],
      ['running', 1],
      ['queued', 2],
      ['running', 2],
      ['completed', 2],
    ]);
    expect(entries[2]).toMatchObject({ error: 'first run broke', retryAt: expect.any(String) });
    expect(entries.map((e) => Date.parse(e.at))).toEqual(entries.map((e) => Date.parse(e.at)).sort((a, b) => a - b));
  });

  it('is bounded per task and in tasks, and forgets deleted tasks', async () => {
    const { engine, gates, history } = setup({ perTask: 2, maxTasks: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await submitted(engine, 'gated');
      await until(() => gates.has(id));
      gates.get(id)!.finish('done');
      await until(() => engine.get(id)?.state === 'completed');
      ids.push(id);
    }
    expect(history.of(ids[1]!).map((e) => e.state)).toEqual(['running', 'completed']);
    expect(history.of(ids[0]!)).toEqual([]);
    expect(history.of(ids[2]!).map((e) => e.state)).toEqual(['running', 'completed']);
    await engine.delete(ids[2]!);
    expect(history.of(ids[2]!)).toEqual([]);
  });

  it('forgets the oldest task still known once over its bound, skipping tasks deleted meanwhile', async () => {
    const { engine, gates, history } = setup({ maxTasks: 2 });
    const finished = async (): Promise<string> => {
      const id = await submitted(engine, 'gated');
      await until(() => gates.has(id));
      gates.get(id)!.finish('done');
      await until(() => engine.get(id)?.state === 'completed');
      return id;
    };
    const [a, b] = [await finished(), await finished()];
    await engine.delete(a);
    const c = await finished(); // two known (b, c): nothing to forget, though a was known first
    expect(history.of(b).map((e) => e.state)).toEqual(['queued', 'running', 'completed']);
    const d = await finished(); // three known: b, the oldest still there, goes
    expect(history.of(b)).toEqual([]);
    expect([history.of(c).length, history.of(d).length]).toEqual([3, 3]);
  });

  it('keeps its bound when tasks are deleted as fast as they come', async () => {
    const { engine, gates, history } = setup({ maxTasks: 3 });
    let last = '';
    for (let i = 0; i < 40; i++) {
      last = await submitted(engine, 'gated');
      await until(() => gates.has(last));
      gates.get(last)!.finish('done');
      await until(() => engine.get(last)?.state === 'completed');
      await engine.delete(last);
      expect(history.of(last)).toEqual([]);
    }
    expect(history.size).toBe(0);
  });

  it('keeps the latest changes of tasks whose stories interleave past a block, and reuses what deleted tasks freed', () => {
    // Driven by hand: eleven changes per task is more than a block of the slab holds, and two
    // tasks changing in turn chain their blocks through each other's.
    let listener: (event: EngineEvent) => void = () => undefined;
    const source = { subscribe: (added: (event: EngineEvent) => void) => ((listener = added), () => undefined) } as unknown as TaskService;
    const history = new TaskHistory(source, { perTask: 6 });
    const change = (id: string, i: number, error: string | null, runAt: number | null = null): void =>
      listener({ type: 'taskUpdated', stateChanged: true, task: { id, state: i % 2 ? 'running' : 'queued', statusText: `${id} ${i}`, attempt: i, error, runAt } as TaskRecord });
    for (let i = 0; i < 11; i++) {
      change('a', i, `broke ${i}`, 1_700_000_000_000 + i);
      change('b', i, null);
    }
    expect(history.of('a').map((e) => [e.status, e.attempt, e.error, e.retryAt])).toEqual(
      [5, 6, 7, 8, 9, 10].map((i) => [`a ${i}`, i, `broke ${i}`, new Date(1_700_000_000_000 + i).toISOString()]),
    );
    expect(history.of('b').map((e) => [e.state, e.status, e.error, e.retryAt])).toEqual([5, 6, 7, 8, 9, 10].map((i) => [i % 2 ? 'running' : 'queued', `b ${i}`, null, null]));
    listener({ type: 'tasksDeleted', clientId: 'x', ids: ['a'] });
    for (let i = 0; i < 3; i++) change('c', i, null);
    expect(history.of('a')).toEqual([]);
    expect(history.of('c').map((e) => [e.status, e.error, e.retryAt])).toEqual([0, 1, 2].map((i) => [`c ${i}`, null, null]));
    expect(history.of('b').map((e) => e.status)).toEqual([5, 6, 7, 8, 9, 10].map((i) => `b ${i}`));
  });

  it('rebuilds a story from the record alone for a task it never watched', async () => {
    const { engine, gates } = setup();
    const id = await submitted(engine, 'gated');
    await until(() => gates.has(id));
    gates.get(id)!.fail(new Error('broke'));
    await until(() => engine.get(id)?.state === 'failed');
    expect(reconstructHistory(engine.get(id)!).map((e) => [e.state, e.error])).toEqual([
      ['queued', null],
      ['running', null],
      ['failed', 'broke'],
    ]);
  });
});
