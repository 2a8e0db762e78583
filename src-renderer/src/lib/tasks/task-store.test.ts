import { describe, expect, it } from 'vitest';
import { SNAPSHOT_LIMIT, TaskStore } from './task-store.svelte.js';
import { running, task } from './test-tasks.js';

const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();
const now = () => 0;

describe('TaskStore: total', () => {
  it('starts from the list answer and counts new tasks once', () => {
    const store = new TaskStore([task({ id: 'a' })], 5, now);
    expect(store.total).toBe(5);
    store.addPlaceholder(task({ id: 'b', createdAt: at(2) }));
    store.merge(task({ id: 'b', createdAt: at(2) }), { created: true, ordered: true });
    expect(store.total).toBe(6);
    store.merge(task({ id: 'c', createdAt: at(3) }), { created: true });
    store.addPlaceholder(task({ id: 'c', createdAt: at(3) }));
    expect(store.total).toBe(7);
  });

  it('does not count an older task that only now shows up (an update of one not loaded)', () => {
    const store = new TaskStore([task({ id: 'a', createdAt: at(5) })], 10, now);
    store.merge(running('old', 10), { ordered: true });
    expect(store.tasks.map((t) => t.id)).toEqual(['a', 'old']);
    expect(store.total).toBe(10);
  });

  it('counts each deletion once, whether confirmed by the request, the socket, or both', () => {
    const done = task({ id: 'a', state: 'completed' });
    const store = new TaskStore([done], 4, now);
    store.remove(['a']);
    store.remove(['a', 'unloaded-1', 'unloaded-2']);
    expect(store.tasks).toEqual([]);
    expect(store.total).toBe(1);
  });

  it('never brings a deleted task back, from a late update or a list page', () => {
    const store = new TaskStore([task({ id: 'a', state: 'failed' })], 1, now);
    store.remove(['a']);
    expect(store.merge(task({ id: 'a', state: 'failed' }))).toBeNull();
    store.addLoaded([task({ id: 'a', state: 'failed' }), task({ id: 'b', state: 'failed' })]);
    expect(store.tasks.map((t) => t.id)).toEqual(['b']);
  });

  it('takes a short snapshot as the whole session, and keeps older tasks beyond a full one', () => {
    const old = task({ id: 'old', state: 'failed', createdAt: '2024-01-01T00:00:00.000Z' });
    const store = new TaskStore([old], 500, now);
    store.applySnapshot([task({ id: 'x' })]);
    expect(store.tasks.map((t) => t.id)).toEqual(['x']);
    expect(store.total).toBe(1);

    const again = new TaskStore([old], 500, now);
    const full = Array.from({ length: SNAPSHOT_LIMIT }, (_, i) => task({ id: `n${String(i).padStart(3, '0')}`, createdAt: at(10) }));
    again.applySnapshot(full);
    expect(again.tasks).toHaveLength(SNAPSHOT_LIMIT + 1);
    expect(again.tasks.at(-1)?.id).toBe('old');
    expect(again.total).toBe(500);
  });
});

describe('TaskStore: finished tasks', () => {
  it('lists finished ids and keeps only those still finished', () => {
    const store = new TaskStore([task({ id: 'f', state: 'failed' }), task({ id: 'c', state: 'completed' }), running('r', 10)], 3, now);
    expect(store.finishedIds().sort()).toEqual(['c', 'f']);
    expect(store.finishedIds('failed')).toEqual(['f']);
    expect(store.finished).toBe(2);
    store.merge(task({ id: 'f', state: 'queued' }), { ordered: true });
    expect(store.stillFinished(['c', 'f'])).toEqual(['c']);
    expect(store.counts.queued).toBe(1);
  });
});

describe('TaskStore: counts from the server', () => {
  it('counts the tasks the page does not hold, as the server said, plus the held ones live', () => {
    const store = new TaskStore([task({ id: 'a', state: 'queued' })], 250, now, { scheduled: 0, queued: 1, running: 0, completed: 240, failed: 9, cancelled: 0 });
    expect(store.counts).toEqual({ scheduled: 0, queued: 1, running: 0, completed: 240, failed: 9, cancelled: 0 });
    store.merge(running('a', 10), { ordered: true });
    expect(store.counts).toMatchObject({ scheduled: 0, queued: 0, running: 1, completed: 240 });
    store.merge(task({ id: 'n', state: 'queued', createdAt: at(9) }), { created: true, ordered: true });
    expect(store.counts.queued).toBe(1);
    expect(store.countsStale).toBe(false);
  });

  it('asks for a recount when a task it does not hold is deleted or updated', () => {
    const store = new TaskStore([], 3, now, { scheduled: 0, queued: 0, running: 0, completed: 3, failed: 0, cancelled: 0 });
    store.remove(['unloaded']);
    expect(store.countsStale).toBe(true);
    store.setServerCounts({ scheduled: 0, queued: 0, running: 0, completed: 2, failed: 0, cancelled: 0 });
    expect(store.countsStale).toBe(false);
    expect(store.counts.completed).toBe(2);
    store.merge(running('old', 10), { ordered: true });
    expect(store.countsStale).toBe(true);
  });

  it('takes the counts a snapshot carries', () => {
    const store = new TaskStore([], 0, now);
    store.applySnapshot([task({ id: 'a', state: 'failed' })], { scheduled: 0, queued: 0, running: 0, completed: 500, failed: 1, cancelled: 0 });
    expect(store.counts).toEqual({ scheduled: 0, queued: 0, running: 0, completed: 500, failed: 1, cancelled: 0 });
  });
});

describe('TaskStore: counts of a narrowed scope', () => {
  it('counts only the held tasks in scope, plus the server’s others in scope', () => {
    const store = new TaskStore([], 0, now);
    store.countScope = (t) => t.kind === 'resize';
    store.applySnapshot([task({ id: 'a', kind: 'resize', state: 'failed' }), task({ id: 'b', kind: 'demo', state: 'failed', createdAt: at(1) })]);
    store.setServerCounts({ scheduled: 0, queued: 0, running: 0, completed: 4, failed: 1, cancelled: 0 });
    expect(store.counts).toEqual({ scheduled: 0, queued: 0, running: 0, completed: 4, failed: 1, cancelled: 0 });
  });
});
