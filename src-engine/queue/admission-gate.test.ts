import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defineTaskKind, type TaskKind } from '../engine/task-kind.js';
import { TaskEngine } from '../engine/task-engine.js';
import { SqliteTaskStore } from '../store/sqlite-task-store.js';
import { gatedKind, submitted, until } from '../test-support/engine-helpers.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { SqliteQueueControlStore } from './queue-control-store.js';

const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

function setup(extraKinds: TaskKind<any>[] = [], options: { clock?: ManualClock; slow?: Partial<TaskKind<Record<string, unknown>>> } = {}) {
  const clock = options.clock ?? new ManualClock(0);
  const started: string[] = [];
  const instant = defineTaskKind({ name: 'instant', parse: (p) => p, run: async ({ taskId }) => void started.push(taskId) });
  const slow = gatedKind('slow', options.slow ?? {});
  const engine = new TaskEngine({ clock, kinds: [instant, slow.kind, ...extraKinds], concurrency: 8 });
  engine.start();
  stops.push(() => engine.stop({ graceMs: 0 }));
  return { clock, engine, started, slow };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('queue control: pause and resume', () => {
  it('keeps nothing per task for kinds without limits (no start times piling up)', async () => {
    const { engine, started } = setup();
    for (let i = 0; i < 200; i++) await submitted(engine, 'instant');
    await until(() => started.length === 200);
    const lanes = (engine.queueControl as unknown as { lanes: Map<string, { starts: number[]; parked: unknown[]; active: number }> }).lanes;
    expect(lanes.get('instant')).toMatchObject({ starts: [], parked: [], active: 0 });
  });

  it('a paused queue starts nothing (queued tasks say "paused"), lets running ones finish, and runs everything on resume', async () => {
    const { engine, started, slow } = setup();
    const running = await submitted(engine, 'slow');
    await until(() => slow.started.includes(running));
    engine.queueControl.pause();
    const waiting = [await submitted(engine, 'instant'), await submitted(engine, 'instant'), await submitted(engine, 'instant')];
    await settle();
    expect(started).toEqual([]);
    for (const id of waiting) expect(engine.get(id)).toMatchObject({ state: 'queued', waitReason: 'paused' });
    slow.gates.get(running)!.finish();
    await until(() => engine.get(running)?.state === 'completed', 'the running task to finish while paused');
    engine.queueControl.resume();
    await until(() => started.length === 3, 'the queued tasks to run after resume');
    expect(started).toEqual(waiting);
    for (const id of waiting) expect(engine.get(id)?.waitReason ?? null).toBeNull();
  });

  it('pausing one kind holds only its tasks; the others run', async () => {
    const { engine, started, slow } = setup();
    engine.queueControl.pauseKind('slow');
    const held = await submitted(engine, 'slow');
    const free = await submitted(engine, 'instant');
    await until(() => started.includes(free));
    await settle();
    expect(slow.started).toEqual([]);
    expect(engine.get(held)).toMatchObject({ state: 'queued', waitReason: 'paused' });
    engine.queueControl.resumeKind('slow');
    await until(() => slow.started.includes(held), 'the held task after resuming its kind');
  });

  it('keeps the switches across a restart (stored in the task database)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'queue-control-'));
    stops.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'tasks.db');
    const first = SqliteTaskStore.open(path);
    const engine = new TaskEngine({ store: first, queueControlStore: new SqliteQueueControlStore(first.connection) });
    engine.queueControl.pause();
    engine.queueControl.pauseKind('demo');
    await first.close();
    const second = SqliteTaskStore.open(path);
    const again = new TaskEngine({ store: second, queueControlStore: new SqliteQueueControlStore(second.connection) });
    expect(again.queueControl.paused).toBe(true);
    expect(again.queueControl.pausedKindNames).toEqual(['demo']);
    await second.close();
  });
});

describe('queue control: per-kind limits', () => {
  it('concurrency 2: exactly two run at once, the rest wait in order saying "job limit 2 reached"', async () => {
    const { engine, slow } = setup([], { slow: { concurrency: 2 } });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await submitted(engine, 'slow'));
    await until(() => slow.started.length === 2);
    await settle();
    expect(slow.started).toEqual(ids.slice(0, 2));
    expect(engine.queueControl.activeOf('slow')).toBe(2);
    for (const id of ids.slice(2)) expect(engine.get(id)).toMatchObject({ state: 'queued', waitReason: 'job limit 2 reached' });
    slow.gates.get(ids[0]!)!.finish();
    await until(() => slow.started.length === 3);
    await settle();
    expect(slow.started).toEqual(ids.slice(0, 3));
    slow.gates.get(ids[1]!)!.finish();
    slow.gates.get(ids[2]!)!.finish();
    await until(() => slow.started.length === 5);
    expect(slow.started).toEqual(ids);
    expect(engine.queueControl.activeOf('slow')).toBe(2);
  });

  it('a task let through by its gate goes before the rest of the queue', async () => {
    const other = gatedKind('other');
    const slow = gatedKind('slow', { concurrency: 1 });
    const engine = new TaskEngine({ clock: new ManualClock(0), kinds: [slow.kind, other.kind], concurrency: 2 });
    engine.start();
    stops.push(() => engine.stop({ graceMs: 0 }));
    const a = await submitted(engine, 'slow');
    await until(() => slow.started.includes(a));
    const b = await submitted(engine, 'slow'); // parked: the job's one slot is taken
    await until(() => engine.get(b)?.waitReason === 'job limit 1 reached');
    const o1 = await submitted(engine, 'other');
    await until(() => other.started.includes(o1));
    const o2 = await submitted(engine, 'other'); // waits for a worker
    slow.gates.get(a)!.finish();
    await until(() => slow.started.includes(b), 'the released task to take the free worker');
    expect(other.started).toEqual([o1]);
    expect(engine.get(o2)?.state).toBe('queued');
  });

  it('a cancelled waiting task gives nothing up: the next one takes the freed slot', async () => {
    const { engine, slow } = setup([], { slow: { concurrency: 1 } });
    const first = await submitted(engine, 'slow');
    const doomed = await submitted(engine, 'slow');
    const next = await submitted(engine, 'slow');
    await until(() => slow.started.length === 1);
    await settle();
    await engine.cancel(doomed);
    slow.gates.get(first)!.finish();
    await until(() => slow.started.length === 2);
    expect(slow.started).toEqual([first, next]);
  });

  it('rate limit 2 per second: exactly 2 start per window, the rest say when the next slot is', async () => {
    const clock = new ManualClock(0);
    const started: number[] = [];
    const limited = defineTaskKind({ name: 'limited', rateLimit: { max: 2, perMs: 1000 }, parse: (p) => p, run: async () => void started.push(clock.now()) });
    const { engine } = setup([limited], { clock });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await submitted(engine, 'limited'));
    await until(() => started.length === 2);
    await settle();
    expect(started).toEqual([0, 0]);
    expect(engine.get(ids[2]!)).toMatchObject({ state: 'queued', waitReason: 'rate limit: next slot in 1 s' });
    clock.advance(999);
    await settle();
    expect(started).toHaveLength(2);
    clock.advance(1);
    await until(() => started.length === 4, 'two more in the second window');
    await settle();
    expect(started).toEqual([0, 0, 1000, 1000]);
    clock.advance(1000);
    await until(() => started.length === 5, 'the last in the third window');
    expect(started).toEqual([0, 0, 1000, 1000, 2000]);
  });
});
