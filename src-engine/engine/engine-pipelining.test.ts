import { describe, expect, it } from 'vitest';
import type { TaskStore } from '../store/task-store.js';
import { until } from '../test-support/engine-helpers.js';
import type { EngineEvent } from './engine-events.js';
import { defineTaskKind } from './task-kind.js';
import { TaskEngine } from './task-engine.js';
import type { TaskRecord } from './task-record.js';

/**
 * Workers do not wait for the store: a state change is announced once durable, in order, while
 * the worker already runs the next task. (Waiting capped a persistent engine at
 * concurrency / (2 × commit time) tasks per second.)
 */

/** A store whose writes become durable only when the test says so, in order. */
class ManualStore implements TaskStore {
  readonly pending: Array<{ state: string; done: () => void }> = [];
  loadAll(): TaskRecord[] {
    return [];
  }
  save(task: Readonly<TaskRecord>): Promise<void> {
    return new Promise((resolve) => this.pending.push({ state: task.state, done: resolve }));
  }
  saveSoon(): void {}
  delete(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  /** Makes everything written so far durable. */
  async flush(): Promise<void> {
    for (const write of this.pending.splice(0)) write.done();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function record(engine: TaskEngine): string[] {
  const seen: string[] = [];
  engine.subscribe((event: EngineEvent) => {
    if (event.type === 'tasksDeleted' || event.type === 'taskLog') return;
    const label = event.type === 'taskQueued' ? 'queued' : event.stateChanged ? event.task.state : `tick ${event.task.progress}`;
    seen.push(`${event.task.name}: ${label}`);
  });
  return seen;
}

describe('TaskEngine with a slow store', () => {
  it('runs the next task while the last one’s states are being written, and announces each state once durable, in order', async () => {
    const started: string[] = [];
    const quick = defineTaskKind({
      name: 'quick',
      parse: (p) => p,
      run: async ({ name, report }) => {
        started.push(name);
        report(10, 'early'); // before `Running` is durable: held back, then sent after it
        report(20, 'later');
        return 'ok';
      },
    });
    const store = new ManualStore();
    const engine = new TaskEngine({ concurrency: 1, kinds: [quick], store });
    const seen = record(engine);
    engine.start();
    const submissions = ['a', 'b', 'c'].map((name) => engine.submit({ name, clientId: 's', kind: 'quick' }));
    await store.flush(); // the three are queued, durably
    await Promise.all(submissions);

    // One worker, and no write made durable since: all three ran anyway.
    await until(() => started.length === 3, 'all three tasks ran');
    expect(seen).toEqual(['a: queued', 'b: queued', 'c: queued']); // nothing announced before it is durable

    await store.flush();
    expect(seen).toEqual([
      'a: queued', 'b: queued', 'c: queued',
      'a: running', 'a: tick 10', 'a: tick 20', 'a: completed',
      'b: running', 'b: tick 10', 'b: tick 20', 'b: completed',
      'c: running', 'c: tick 10', 'c: tick 20', 'c: completed',
    ]);
    await engine.stop({ graceMs: 0 });
  });

  it('announces each `Running` as the task was when that run started, although the run failed and was retried before it was durable', async () => {
    const atStart: TaskRecord[] = [];
    let engine: TaskEngine | undefined;
    const flaky = defineTaskKind({
      name: 'flaky',
      parse: (p) => p,
      maxAttempts: 2,
      backoff: { baseMs: 0, maxMs: 0 },
      run: async ({ taskId, attempt, report }) => {
        atStart.push({ ...engine!.get(taskId)! });
        report(50, 'half way'); // changes progress and status text before `Running` is out
        if (attempt === 1) throw new Error('boom');
        return 'ok';
      },
    });
    const store = new ManualStore();
    engine = new TaskEngine({ concurrency: 1, kinds: [flaky], store });
    const announced: TaskRecord[] = [];
    engine.subscribe((event) => {
      if (event.type === 'taskUpdated' && event.stateChanged) announced.push({ ...event.task });
    });
    engine.start();
    const submitted = engine.submit({ name: 'x', clientId: 's', kind: 'flaky' });
    await store.flush();
    const outcome = await submitted;
    if (!outcome.ok) throw new Error('refused');
    await until(() => atStart.length === 1, 'the first run');
    await store.flush(); // `Running` of run 1 and the retry's `Queued`, durable together
    await until(() => atStart.length === 2, 'the second run');
    await store.flush(); // `Running` of run 2 and `Completed`
    await until(() => announced.length === 4, 'four state changes');

    const running = announced.filter((task) => task.state === 'running');
    expect(running).toEqual(atStart);
    expect(running.map((task) => [task.attempt, task.error, task.progress, task.statusText])).toEqual([
      [1, null, 0, 'Running'],
      [2, 'boom', 0, 'Running'], // the second run starts with the first one's error
    ]);
    expect(announced.map((task) => task.state)).toEqual(['running', 'queued', 'running', 'completed']);
    expect(announced[3]).toEqual({ ...engine.get(outcome.task.id)! });
    await engine.stop({ graceMs: 0 });
  });

  it('waits for `running` to be durable before running a kind that must never run twice', async () => {
    const started: string[] = [];
    const once = defineTaskKind({ name: 'once', parse: (p) => p, onInterrupted: 'fail', run: async ({ name }) => void started.push(name) });
    const store = new ManualStore();
    const engine = new TaskEngine({ concurrency: 1, kinds: [once], store });
    engine.start();
    const submitted = engine.submit({ name: 'x', clientId: 's', kind: 'once' });
    await store.flush();
    await submitted;
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([]); // `running` is not durable yet
    await store.flush();
    await until(() => started.length === 1, 'the task ran');
    await store.flush();
    await engine.stop({ graceMs: 0 });
  });

  it('stops only once the end of every run is durable and announced, also of runs whose handler already returned', async () => {
    const quick = defineTaskKind({ name: 'quick', parse: (p) => p, run: async () => 'done' });
    const store = new ManualStore();
    const engine = new TaskEngine({ concurrency: 2, kinds: [quick], store });
    const seen = record(engine);
    engine.start();
    const submissions = ['a', 'b'].map((name) => engine.submit({ name, clientId: 's', kind: 'quick' }));
    await store.flush(); // both accepted; both handlers return at once, their ends wait for the store
    await Promise.all(submissions);
    await until(() => engine.counts().completed === 2, 'handlers returned');
    let stopped = false;
    const stopping = engine.stop({ graceMs: 10_000 }).then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    await store.flush();
    await stopping;
    expect(seen.filter((line) => line.endsWith('completed'))).toEqual(['a: completed', 'b: completed']);
  });

  it('settles a cancel only once the Cancelled state is durable and announced', async () => {
    const slow = defineTaskKind({
      name: 'slow',
      parse: (p) => p,
      run: ({ signal }) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    });
    const store = new ManualStore();
    const engine = new TaskEngine({ concurrency: 1, kinds: [slow], store });
    const seen = record(engine);
    engine.start();
    const submitted = engine.submit({ name: 'x', clientId: 's', kind: 'slow' });
    await store.flush();
    const outcome = await submitted;
    if (!outcome.ok) throw new Error('refused');
    await until(() => engine.get(outcome.task.id)?.state === 'running', 'running');
    let cancelled = false;
    const cancelling = engine.cancel(outcome.task.id).then(() => (cancelled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(cancelled).toBe(false);
    await store.flush();
    await store.flush();
    await cancelling;
    expect(seen).toEqual(['x: queued', 'x: running', 'x: cancelled']);
    await engine.stop({ graceMs: 0 });
  });
});
