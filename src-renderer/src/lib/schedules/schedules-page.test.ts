import { describe, expect, it } from 'vitest';
import { SchedulesPage } from './schedules-page.svelte.js';
import { schedule } from './test-schedules.js';
import { task } from '../tasks/test-tasks.js';

const at = '2026-12-02T00:00:00.000Z';

describe('SchedulesPage', () => {
  function page() {
    return new SchedulesPage({ sessionId: 'client-1', schedules: [schedule({ id: 'a', lastTaskId: 't1', lastRun: { taskId: 't1', state: 'queued', status: 'Queued' } })], queue: null, serverTime: at });
  }

  it('follows scheduleUpdated, scheduleDeleted and queueState frames', () => {
    const view = page();
    view.handle({ type: 'scheduleUpdated', data: schedule({ id: 'b', createdAt: '2026-12-01T05:00:00.000Z' }), timestamp: at });
    view.handle({ type: 'scheduleUpdated', data: schedule({ id: 'a', enabled: false, updatedAt: '2026-12-01T06:00:00.000Z' }), timestamp: at });
    expect(view.schedules.map((item) => [item.id, item.enabled])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    view.handle({ type: 'scheduleDeleted', data: { id: 'a' }, timestamp: at });
    expect(view.schedules.map((item) => item.id)).toEqual(['b']);
    view.handle({ type: 'queueState', data: { paused: true, kinds: [] }, timestamp: at });
    expect(view.queue).toEqual({ paused: true, kinds: [] });
  });

  it('shows a last run as its task is now, from the run’s task messages', () => {
    const view = page();
    expect(view.lastRunOf(view.schedules[0]!)).toEqual({ taskId: 't1', state: 'queued', status: 'Queued' });
    view.handle({ type: 'taskProgress', data: task({ id: 't1', scheduleId: 'a', state: 'completed', status: 'Completed', progress: 100, completedAt: at }), timestamp: at, seq: 3 });
    expect(view.lastRunOf(view.schedules[0]!)).toEqual({ taskId: 't1', state: 'completed', status: 'Completed' });
    // An older-looking copy that arrives late does not undo it.
    view.handle({ type: 'taskProgress', data: task({ id: 't1', scheduleId: 'a', state: 'running', status: 'Running', progress: 50 }), timestamp: at });
    expect(view.lastRunOf(view.schedules[0]!)?.state).toBe('completed');
  });

  it('ignores tasks that are no schedule’s runs', () => {
    const view = page();
    view.handle({ type: 'taskQueued', data: task({ id: 'x' }), timestamp: at });
    expect(view.runs.size).toBe(0);
  });
});
