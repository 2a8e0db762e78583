import { describe, expect, it } from 'vitest';
import { gatedKind, until } from '../test-support/engine-helpers.js';
import { SessionIndex } from './session-index.js';
import { TaskEngine } from './task-engine.js';
import type { TaskRecord } from './task-record.js';

/** What a session's list must be: every held task of that session, by brute force over the whole list. */
function bruteForce(engine: TaskEngine, clientId: string) {
  const all = engine.list();
  const items = all.items.filter((task) => task.clientId === clientId);
  const counts = { scheduled: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const task of items) counts[task.state]++;
  return { ids: items.map((task) => task.id), counts };
}

function expectExact(engine: TaskEngine, sessions: readonly string[]): void {
  for (const clientId of sessions) {
    const page = engine.list({ clientId });
    const expected = bruteForce(engine, clientId);
    expect(page.items.map((task) => task.id), clientId).toEqual(expected.ids);
    expect(page.total).toBe(expected.ids.length);
    expect(page.counts).toEqual(expected.counts);
  }
}

describe('a session list from the session index', () => {
  it('stays exact through submit, run, history forgetting, delete, clearFinished and retry', async () => {
    const gated = gatedKind();
    const engine = new TaskEngine({ kinds: [gated.kind], historyLimit: 6, concurrency: 2 });
    engine.start();
    const sessions = ['a', 'b', 'c', 'nobody'];
    try {
      expectExact(engine, sessions); // the sets are made now, while nothing is held
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const outcome = await engine.submit({ name: `t${i}`, clientId: sessions[i % 3]!, kind: 'gated' });
        if (!outcome.ok) throw new Error(outcome.message);
        ids.push(outcome.task.id);
        expectExact(engine, sessions);
      }
      // Finish them in turn: past 6 finished, the oldest are forgotten (history limit).
      for (let i = 0; i < 12; i++) {
        await until(() => gated.gates.has(ids[i]!), `task ${i} started`);
        if (i % 4 === 3) gated.gates.get(ids[i]!)!.fail(new Error('boom'));
        else gated.gates.get(ids[i]!)!.finish();
        await until(() => ['completed', 'failed'].includes(engine.get(ids[i]!)?.state ?? 'completed'));
        expectExact(engine, sessions);
      }
      expect(engine.list().total).toBe(6);
      const failed = engine.list({ state: 'failed' }).items[0]!;
      expect((await engine.retry(failed.id)).ok).toBe(true);
      expectExact(engine, sessions);
      const someCompleted = engine.list({ clientId: 'a', state: 'completed' }).items[0]!;
      expect((await engine.delete(someCompleted.id)).ok).toBe(true);
      expectExact(engine, sessions);
      await engine.clearFinished('b');
      expectExact(engine, sessions);
      const late = await engine.submit({ name: 'late', clientId: 'nobody', kind: 'gated', runAt: Date.now() + 60_000 });
      expect(late.ok).toBe(true);
      expectExact(engine, sessions);
      expect(engine.list({ clientId: 'nobody' }).items.map((task) => task.name)).toEqual(['late']);
    } finally {
      await engine.stop({ graceMs: 0 });
    }
  });

  it('keeps a set only for sessions that were listed, and drops the one listed longest ago past its bound', () => {
    const index = new SessionIndex(2);
    const task = (id: string, clientId: string) => ({ id, clientId }) as TaskRecord;
    const held = [task('1', 'a'), task('2', 'b'), task('3', 'a')];
    const map = () => new Map(held.map((t) => [t.id, t]));
    index.added(held[0]!); // no set yet: nothing kept
    expect(index.size).toBe(0);
    expect([...index.tasksOf('a', map())].map((t) => t.id)).toEqual(['1', '3']);
    const fourth = task('4', 'a');
    held.push(fourth);
    index.added(fourth);
    index.removed(held[0]!);
    expect([...index.tasksOf('a', new Map())].map((t) => t.id)).toEqual(['3', '4']); // from the set, not a scan
    index.tasksOf('b', map());
    index.tasksOf('a', map()); // a is now the most recent
    index.tasksOf('c', map()); // drops b
    expect(index.size).toBe(2);
    expect([...index.tasksOf('b', new Map())]).toEqual([]); // b's set is made again from what it is given
  });

  it('answers an empty session without walking other sessions\' tasks once it has a set', async () => {
    const engine = new TaskEngine({ kinds: [gatedKind().kind], capacity: 2000, concurrency: 1 });
    for (let i = 0; i < 1500; i++) await engine.submit({ name: `t${i}`, clientId: `busy${i % 10}`, kind: 'gated' });
    engine.list({ clientId: 'empty' });
    const tasks = (engine as unknown as { tasks: Map<string, TaskRecord> }).tasks;
    const values = tasks.values.bind(tasks);
    let scans = 0;
    tasks.values = () => (scans++, values());
    expect(engine.list({ clientId: 'empty' })).toMatchObject({ items: [], total: 0 });
    expect(scans).toBe(0);
    await engine.stop({ graceMs: 0 });
  });
});
