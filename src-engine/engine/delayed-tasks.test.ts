import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteTaskStore } from '../store/sqlite-task-store.js';
import { gatedKind, until } from '../test-support/engine-helpers.js';
import { ManualClock } from '../test-support/manual-clock.js';
import type { EngineEvent } from './engine-events.js';
import { TaskEngine } from './task-engine.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'delayed-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'tasks.db');
}

function engineWith(clock: ManualClock, path?: string) {
  const store = path ? SqliteTaskStore.open(path) : undefined;
  const gated = gatedKind();
  const engine = new TaskEngine({ clock, kinds: [gated.kind], ...(store ? { store } : {}) });
  const events: EngineEvent[] = [];
  const states: string[] = [];
  engine.subscribe((event) => {
    events.push(event);
    if (event.type === 'taskUpdated' && event.stateChanged) states.push(event.task.state); // read now: the record lives on
  });
  engine.start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await engine.stop({ graceMs: 0 });
    await store?.close();
  };
  cleanups.push(stop);
  return { engine, gated, events, states, stop, store };
}

async function delayed(engine: TaskEngine, runAt: number): Promise<string> {
  const outcome = await engine.submit({ name: 'later', clientId: 'c', kind: 'gated', runAt });
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.task.id;
}

describe('delayed tasks', () => {
  it('wait in state scheduled (counted, announced, taking no queue space), then are queued and run at their time', async () => {
    const clock = new ManualClock(1_000_000);
    const { engine, gated, events, states } = engineWith(clock);
    const id = await delayed(engine, 1_000_000 + 60_000);
    expect(engine.get(id)).toMatchObject({ state: 'scheduled', statusText: 'Scheduled', runAt: 1_060_000 });
    expect(engine.counts()).toMatchObject({ scheduled: 1, queued: 0 });
    expect(engine.queuedCount).toBe(0);
    expect(events.map((event) => event.type)).toEqual(['taskQueued']);
    clock.advance(59_999);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(gated.started).toEqual([]);
    clock.advance(1);
    await until(() => gated.started.includes(id), 'the delayed task to start');
    expect(engine.get(id)).toMatchObject({ state: 'running', runAt: null });
    gated.gates.get(id)!.finish('ok');
    await until(() => engine.get(id)?.state === 'completed');
    expect(states).toEqual(['queued', 'running', 'completed']);
  });

  it('a time already past runs at once, with no scheduled state', async () => {
    const clock = new ManualClock(1_000_000);
    const { engine, gated } = engineWith(clock);
    const id = await delayed(engine, 999_000);
    await until(() => gated.started.includes(id));
  });

  it('can be cancelled or deleted while scheduled, and then never runs', async () => {
    const clock = new ManualClock(0);
    const { engine, gated } = engineWith(clock);
    const cancelled = await delayed(engine, 10_000);
    const deleted = await delayed(engine, 10_000);
    expect(await engine.cancel(cancelled)).toMatchObject({ ok: true, task: { state: 'cancelled' } });
    expect(await engine.delete(deleted)).toMatchObject({ ok: true });
    expect(engine.get(deleted)).toBeUndefined();
    expect(engine.counts()).toMatchObject({ scheduled: 0, cancelled: 1 });
    clock.advance(20_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(gated.started).toEqual([]);
  });

  it('orders many delayed tasks by their time, whatever the order they came in', async () => {
    const clock = new ManualClock(0);
    const { engine, gated } = engineWith(clock);
    const late = await delayed(engine, 3000);
    const early = await delayed(engine, 1000);
    const middle = await delayed(engine, 2000);
    clock.advance(5000);
    await until(() => gated.started.length === 3);
    expect(gated.started).toEqual([early, middle, late]);
  });

  it('survive a restart: one still ahead waits out the rest, one that came due while the server was down runs at the next start', async () => {
    const path = tempDbPath();
    const clock = new ManualClock(0);
    const first = engineWith(clock, path);
    const soon = await delayed(first.engine, 10_000);
    const later = await delayed(first.engine, 100_000);
    await first.stop();
    clock.jumpTo(50_000); // the server was down while `soon` came due
    const second = engineWith(clock, path);
    expect(second.engine.get(later)).toMatchObject({ state: 'scheduled', runAt: 100_000 });
    clock.advance(0);
    await until(() => second.gated.started.includes(soon), 'the overdue task to run after the restart');
    expect(second.gated.started).not.toContain(later);
    clock.advanceTo(100_000);
    await until(() => second.gated.started.includes(later), 'the later task to run at its time');
  });
});
