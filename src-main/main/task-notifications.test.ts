import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src-engine/engine/engine-events.js';
import type { TaskRecord } from '../../src-engine/engine/task-record.js';
import { taskNotice } from './task-notifications.js';

function task(overrides: Partial<TaskRecord>): TaskRecord {
  return {
    id: 't1',
    name: 'Resize photos',
    kind: 'demo',
    parameters: {},
    clientId: 'c1',
    state: 'running',
    progress: 50,
    statusText: 'Processing step 5/10',
    result: null,
    error: null,
    createdAt: 0,
    startedAt: 0,
    completedAt: null,
    attempt: 1,
    ...overrides,
  } as TaskRecord;
}

const updated = (overrides: Partial<TaskRecord>, stateChanged = true): EngineEvent => ({ type: 'taskUpdated', task: task(overrides), stateChanged });

describe('taskNotice', () => {
  it('tells about a completed task while the window is not focused', () => {
    expect(taskNotice(updated({ state: 'completed', result: 'Done' }), false)).toEqual({ title: 'Task completed', body: 'Resize photos: Done', taskId: 't1' });
  });

  it('tells about a failed task with its error', () => {
    expect(taskNotice(updated({ state: 'failed', error: 'Disk full' }), false)).toEqual({ title: 'Task failed', body: 'Resize photos: Disk full', taskId: 't1' });
  });

  it('stays quiet while the window is focused', () => {
    expect(taskNotice(updated({ state: 'completed' }), true)).toBeNull();
    expect(taskNotice(updated({ state: 'failed' }), true)).toBeNull();
  });

  it('ignores progress ticks, queueing, starting and cancelling', () => {
    expect(taskNotice(updated({ state: 'completed' }, false), false)).toBeNull();
    expect(taskNotice({ type: 'taskQueued', task: task({ state: 'queued' }) }, false)).toBeNull();
    expect(taskNotice(updated({ state: 'running' }), false)).toBeNull();
    expect(taskNotice(updated({ state: 'cancelled' }), false)).toBeNull();
  });

  it('keeps a long error short and on one line', () => {
    const notice = taskNotice(updated({ state: 'failed', error: `line one\n${'x'.repeat(500)}` }), false);
    expect(notice!.body.length).toBeLessThanOrEqual(180);
    expect(notice!.body).not.toContain('\n');
    expect(notice!.body.endsWith('…')).toBe(true);
  });
});
