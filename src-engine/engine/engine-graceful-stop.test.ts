import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteTaskStore } from '../store/sqlite-task-store.js';
import { gatedKind, until } from '../test-support/engine-helpers.js';
import { TaskEngine } from './task-engine.js';

/**
 * A graceful stop loses no work (issue #11, item 8): tasks still running when the grace period
 * ends go back to the queue if their kind reruns after an interruption, with the same attempt
 * number, and run at the next start; kinds that must never run twice are cancelled, as before.
 */
function startOn(path: string) {
  const store = SqliteTaskStore.open(path);
  const rerun = gatedKind('rerun');
  const once = gatedKind('once', { onInterrupted: 'fail' });
  const engine = new TaskEngine({ store, kinds: [rerun.kind, once.kind], concurrency: 4 });
  engine.start();
  return { store, engine, rerun, once };
}

describe('a graceful stop', () => {
  it('puts running tasks of rerun kinds back in the queue, durably and at no attempt cost; they run at the next start', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'engine-graceful-stop-')), 'tasks.db');
    const first = startOn(path);
    const submit = async (kind: string) => {
      const outcome = await first.engine.submit({ name: kind, clientId: 'c', kind, maxAttempts: 3 });
      if (!outcome.ok) throw new Error(outcome.message);
      return outcome.task.id;
    };
    const rerunId = await submit('rerun');
    const onceId = await submit('once');
    await until(() => first.rerun.gates.has(rerunId) && first.once.gates.has(onceId), 'both running');
    const told: string[] = [];
    first.engine.subscribe((event) => event.type === 'taskUpdated' && event.stateChanged && told.push(`${event.task.id === rerunId ? 'rerun' : 'once'}:${event.task.state}`));
    await first.engine.stop({ graceMs: 30 });
    expect(first.engine.get(rerunId)).toMatchObject({ state: 'queued', attempt: 1, progress: 0, startedAt: null, error: null });
    expect(first.engine.get(onceId)).toMatchObject({ state: 'cancelled', error: 'Server shutting down' });
    expect(told.sort()).toEqual(['once:cancelled', 'rerun:queued']);
    await first.store.close();

    const second = startOn(path);
    await until(() => second.rerun.gates.has(rerunId), 'the requeued task to run again');
    expect(second.engine.get(rerunId)).toMatchObject({ state: 'running', attempt: 1 });
    second.rerun.gates.get(rerunId)!.finish('done after the restart');
    await until(() => second.engine.get(rerunId)?.state === 'completed', 'completion');
    expect(second.once.started).toEqual([]);
    expect(second.engine.get(onceId)).toMatchObject({ state: 'cancelled' });
    await second.engine.stop({ graceMs: 0 });
    await second.store.close();
  });
});
