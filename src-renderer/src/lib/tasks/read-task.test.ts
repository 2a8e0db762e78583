import { describe, expect, it } from 'vitest';
import { readTask, stateFromStatus } from './read-task.js';
import { running } from './test-tasks.js';

describe('readTask', () => {
  it('keeps a complete task as it is', () => {
    const t = running('a', 30);
    expect(readTask(t)).toEqual(t);
    expect(readTask({ ...t, progress: '30' })).toBeNull();
  });

  it("fills what the original server's messages leave out", () => {
    const original = { id: 'a', name: 'n', status: 'Queued', progress: 0, createdAt: '2025-01-01T00:00:00Z', clientId: 'c' };
    expect(readTask(original)).toMatchObject({ state: 'queued', result: null, error: null, startedAt: null, attempt: 1, kind: 'demo', duration: null });
  });
  it('derives the state from the status text when absent', () => {
    expect(['Queued', 'Running', 'Processing step 3/10', 'Completed', 'Failed', 'Cancelled'].map(stateFromStatus)).toEqual([
      'queued',
      'running',
      'running',
      'completed',
      'failed',
      'cancelled',
    ]);
  });
});
