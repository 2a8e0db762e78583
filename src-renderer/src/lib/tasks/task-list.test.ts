import { describe, expect, it } from 'vitest';
import {
  addIfAbsent,
  applySnapshot,
  clearFinished,
  countTasks,
  describeTransition,
  isHidden,
  isNotOlder,
  mergeTask,
  placeholderTask,
  removeTasks,
  sortNewestFirst,
} from './task-list.js';
import { running, task } from './test-tasks.js';

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-01-01T00:00:01.000Z';
const T2 = '2025-01-01T00:00:02.000Z';
const T3 = '2025-01-01T00:00:03.000Z';

describe('mergeTask', () => {
  it('adds unknown tasks in newest-first order', () => {
    let list = mergeTask([], task({ id: 'a', createdAt: T1 }));
    list = mergeTask(list, task({ id: 'b', createdAt: T3 }));
    list = mergeTask(list, task({ id: 'c', createdAt: T2 }));
    expect(list.map((t) => t.id)).toEqual(['b', 'c', 'a']);
  });

  it('replaces a task with a newer update', () => {
    const list = mergeTask([task({ id: 'a' })], running('a', 30));
    expect(list[0]?.progress).toBe(30);
    expect(list[0]?.state).toBe('running');
  });

  it('ignores a lower progress in the same state and returns the same array', () => {
    const list = [running('a', 50)];
    expect(mergeTask(list, running('a', 40))).toBe(list);
  });

  it('ignores a state that goes backwards within one attempt', () => {
    const done = task({ id: 'a', state: 'completed', progress: 100, status: 'Completed', startedAt: T1, completedAt: T3 });
    const list = [done];
    expect(mergeTask(list, running('a', 90, T1))).toBe(list);
    expect(mergeTask(list, task({ id: 'a' }))).toBe(list);
    expect(mergeTask([running('a', 20)], task({ id: 'a' }))[0]?.state).toBe('running');
  });

  it('accepts a newer attempt even at lower progress, and ignores an older attempt', () => {
    const list = [running('a', 60)];
    const retried = mergeTask(list, { ...running('a', 0, T3), attempt: 2 });
    expect(retried[0]?.progress).toBe(0);
    expect(retried[0]?.attempt).toBe(2);
    expect(mergeTask(retried, running('a', 70))).toBe(retried);
  });

  it('applies an ordered update even when it looks like a step back (manual retry)', () => {
    const failed = task({ id: 'a', state: 'failed', error: 'boom', completedAt: T2 });
    const requeued = task({ id: 'a', state: 'queued' });
    expect(mergeTask([failed], requeued)).toEqual([failed]);
    expect(mergeTask([failed], requeued, { ordered: true })).toEqual([requeued]);
  });

  it('returns the same array for an identical repeat', () => {
    const list = [running('a', 50)];
    expect(mergeTask(list, running('a', 50))).toBe(list);
  });

  it('re-places a placeholder when the server createdAt differs', () => {
    let list = mergeTask([], task({ id: 'old', createdAt: T2 }));
    list = mergeTask(list, task({ id: 'new', createdAt: T3 }));
    list = mergeTask(list, task({ id: 'new', createdAt: T1, status: 'Queued' }));
    expect(list.map((t) => t.id)).toEqual(['old', 'new']);
  });

  it('keeps tasks hidden by a clear mark hidden', () => {
    const done = task({ id: 'a', state: 'completed', progress: 100, completedAt: T1 });
    expect(mergeTask([], done, { clearedThrough: T2 })).toEqual([]);
    expect(mergeTask([], done, { clearedThrough: T0 })).toHaveLength(1);
    expect(mergeTask([running('a', 90)], done, { clearedThrough: T2 })).toEqual([]);
  });
});

describe('isNotOlder', () => {
  it('orders queued < running < final', () => {
    expect(isNotOlder(running('a', 0), task({ id: 'a' }))).toBe(true);
    expect(isNotOlder(task({ id: 'a' }), running('a', 0))).toBe(false);
    expect(isNotOlder(task({ id: 'a', state: 'failed', startedAt: T1 }), running('a', 90))).toBe(true);
  });
  it('accepts equal progress (repeats)', () => {
    expect(isNotOlder(running('a', 10), running('a', 10))).toBe(true);
  });
});

describe('applySnapshot', () => {
  it('replaces the list with the snapshot, newest first', () => {
    const list = [running('a', 30), task({ id: 'gone', state: 'completed', completedAt: T1 })];
    const next = applySnapshot(list, [running('a', 50), task({ id: 'b', createdAt: T3 })]);
    expect(next.map((t) => [t.id, t.progress])).toEqual([
      ['b', 0],
      ['a', 50],
    ]);
  });

  it('keeps the objects of unchanged tasks, and the array when nothing changed', () => {
    const a = running('a', 50);
    const b = task({ id: 'b', createdAt: T3 });
    const list = [b, a];
    expect(applySnapshot(list, [{ ...a }, { ...b }])).toBe(list);
    const next = applySnapshot(list, [{ ...b }, running('a', 60)]);
    expect(next[0]).toBe(b);
    expect(next[1]?.progress).toBe(60);
  });

  it('leaves cleared tasks out', () => {
    const done = task({ id: 'done', state: 'completed', progress: 100, completedAt: T1 });
    expect(applySnapshot([], [done, running('r', 10)], T2).map((t) => t.id)).toEqual(['r']);
  });
});

describe('addIfAbsent and removeTasks', () => {
  it('adds a placeholder only when the task is unknown', () => {
    const real = running('a', 40);
    const list = [real];
    expect(addIfAbsent(list, task({ id: 'a' }))).toBe(list);
    expect(addIfAbsent(list, task({ id: 'b', createdAt: T3 })).map((t) => t.id)).toEqual(['b', 'a']);
  });
  it('removes deleted tasks', () => {
    const list = [running('a', 1), running('b', 2)];
    expect(removeTasks(list, ['a', 'x']).map((t) => t.id)).toEqual(['b']);
    expect(removeTasks(list, ['x'])).toBe(list);
  });
});

describe('clearFinished', () => {
  it('removes finished tasks and returns the latest finish as the mark', () => {
    const list = sortNewestFirst([
      running('r', 10),
      task({ id: 'c', state: 'completed', completedAt: T2 }),
      task({ id: 'f', state: 'failed', completedAt: T3 }),
      task({ id: 'q' }),
    ]);
    const { list: kept, clearedThrough } = clearFinished(list, null);
    expect(kept.map((t) => t.id).sort()).toEqual(['q', 'r']);
    expect(clearedThrough).toBe(T3);
  });

  it('never moves the mark backwards and keeps the array when nothing is finished', () => {
    const list = [running('r', 10)];
    const result = clearFinished(list, T3);
    expect(result.list).toBe(list);
    expect(result.clearedThrough).toBe(T3);
  });

  it('isHidden only hides finished tasks up to the mark', () => {
    expect(isHidden(task({ id: 'a', state: 'completed', completedAt: T1 }), T2)).toBe(true);
    expect(isHidden(task({ id: 'a', state: 'completed', completedAt: T3 }), T2)).toBe(false);
    expect(isHidden(running('a', 10), T3)).toBe(false);
    expect(isHidden(task({ id: 'a', state: 'completed', completedAt: T1 }), null)).toBe(false);
  });
});

describe('countTasks', () => {
  it('counts by state', () => {
    expect(
      countTasks([
        task({ id: '1' }),
        running('2', 10),
        running('3', 20),
        task({ id: '4', state: 'completed' }),
        task({ id: '5', state: 'failed' }),
        task({ id: '6', state: 'cancelled' }),
      ]),
    ).toEqual({ queued: 1, running: 2, completed: 1, failed: 1, cancelled: 1 });
  });
});

describe('placeholderTask', () => {
  it('is a queued demo task that any server update replaces', () => {
    const p = placeholderTask({ id: 'x', name: 'n', clientId: 'c', duration: 1000, parameters: {}, createdAt: T0 });
    expect(p.state).toBe('queued');
    expect(isNotOlder(task({ id: 'x', createdAt: T1 }), p)).toBe(true);
  });
});

describe('describeTransition', () => {
  it('describes state changes, not progress ticks', () => {
    expect(describeTransition(undefined, task({ id: 'a', name: 'A' }))).toBe('Task "A" queued');
    expect(describeTransition(task({ id: 'a', name: 'A' }), running('a', 0))).toContain('started');
    expect(describeTransition(running('a', 10), running('a', 20))).toBeNull();
    expect(describeTransition(running('a', 20), task({ id: 'a', name: 'A', state: 'failed', error: 'boom' }))).toBe(
      'Task "A" failed: boom',
    );
    const retrying = task({ id: 'a', name: 'A', state: 'queued', attempt: 2, maxAttempts: 3, retryAt: T3, error: 'boom' });
    expect(describeTransition(running('a', 20), retrying)).toBe('Task "A" will retry (attempt 2/3): boom');
    expect(describeTransition(retrying, { ...running('a', 0), name: 'A', attempt: 2, maxAttempts: 3 })).toBe(
      'Task "A" started (attempt 2/3)',
    );
  });
});
