import { describe, expect, it } from 'vitest';
import {
  addIfAbsent,
  addMissing,
  applySnapshot,
  attemptLabel,
  countTasks,
  describeTransition,
  finishedIds,
  isNotOlder,
  mergeTask,
  placeholderTask,
  priorityLabel,
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

  it('applies an ordered update even when it looks like a step back (a manual retry)', () => {
    const failed = task({ id: 'a', state: 'failed', progress: 30, completedAt: T2, error: 'boom' });
    const again = task({ id: 'a', state: 'queued' });
    expect(mergeTask([failed], again)).toEqual([failed]);
    expect(mergeTask([failed], again, { ordered: true })).toEqual([again]);
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

  it('keeps tasks older than a capped snapshot, and drops newer ones it lacks (deleted)', () => {
    const old = task({ id: 'old', state: 'failed', createdAt: T0, completedAt: T1 });
    const deleted = task({ id: 'deleted', state: 'completed', createdAt: T2, completedAt: T2 });
    const list = sortNewestFirst([old, deleted, running('a', 10)]);
    const snapshot = [running('a', 20, T1), task({ id: 'b', createdAt: T3 })].map((t) => ({ ...t, createdAt: t.id === 'a' ? T1 : T3 }));
    expect(applySnapshot(list, snapshot, false).map((t) => t.id)).toEqual(['b', 'a', 'old']);
    expect(applySnapshot(list, snapshot, true).map((t) => t.id)).toEqual(['b', 'a']);
  });

  it('empties the list with an empty snapshot', () => {
    expect(applySnapshot([running('a', 10)], [], false)).toEqual([]);
  });
});

describe('addMissing', () => {
  it('adds only unknown, undeleted tasks, in order, and leaves known ones as they are', () => {
    const live = running('a', 60);
    const list = [live];
    const page = [running('a', 10), task({ id: 'b', createdAt: T3 }), task({ id: 'c', createdAt: '2024-12-31T00:00:00.000Z' }), task({ id: 'gone', createdAt: T2 })];
    const next = addMissing(list, page, new Set(['gone']));
    expect(next.map((t) => t.id)).toEqual(['b', 'a', 'c']);
    expect(next[1]).toBe(live);
  });

  it('returns the same array when nothing is new', () => {
    const list = [running('a', 60)];
    expect(addMissing(list, [running('a', 10)])).toBe(list);
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

describe('finishedIds', () => {
  it('lists the finished tasks, of one final state or all', () => {
    const list = sortNewestFirst([
      running('r', 10),
      task({ id: 'c', state: 'completed', completedAt: T2 }),
      task({ id: 'f', state: 'failed', completedAt: T3 }),
      task({ id: 'x', state: 'cancelled', completedAt: T1 }),
      task({ id: 'q' }),
    ]);
    expect(finishedIds(list).sort()).toEqual(['c', 'f', 'x']);
    expect(finishedIds(list, 'failed')).toEqual(['f']);
    expect(finishedIds(list, 'running')).toEqual([]);
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
    ).toEqual({ scheduled: 0, queued: 1, running: 2, completed: 1, failed: 1, cancelled: 1 });
  });
});

describe('placeholderTask', () => {
  it('is a queued demo task that any server update replaces', () => {
    const p = placeholderTask({ id: 'x', name: 'n', clientId: 'c', duration: 1000, parameters: {}, createdAt: T0 });
    expect(p.state).toBe('queued');
    expect(isNotOlder(task({ id: 'x', createdAt: T1 }), p)).toBe(true);
  });

  it('of a job carries the job as its job and kind', () => {
    const p = placeholderTask({ id: 'x', name: 'n', clientId: 'c', duration: null, parameters: {}, createdAt: T0, job: 'backup' });
    expect([p.job, p.kind]).toEqual(['backup', 'backup']);
    expect(placeholderTask({ id: 'x', name: 'n', clientId: 'c', duration: null, parameters: {}, createdAt: T0 }).job).toBeNull();
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

describe('attemptLabel and priorityLabel', () => {
  it('shows attempts only for tasks that may run, or ran, more than once', () => {
    expect(attemptLabel(task({ id: 'a' }))).toBeNull();
    expect(attemptLabel(task({ id: 'a', maxAttempts: 3 }))).toBe('attempt 1/3');
    expect(attemptLabel(task({ id: 'a', attempt: 2, maxAttempts: 3 }))).toBe('attempt 2/3');
    expect(attemptLabel(task({ id: 'a', attempt: 2, maxAttempts: 1 }))).toBe('attempt 2');
  });
  it('shows a priority other than 0 with its sign', () => {
    expect(priorityLabel(task({ id: 'a' }))).toBeNull();
    expect(priorityLabel(task({ id: 'a', priority: 5 }))).toBe('priority +5');
    expect(priorityLabel(task({ id: 'a', priority: -2 }))).toBe('priority -2');
  });
});
