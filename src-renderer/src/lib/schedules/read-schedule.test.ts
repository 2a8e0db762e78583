import { describe, expect, it } from 'vitest';
import { readQueueState, readSchedule, readScheduleList } from './read-schedule.js';
import { schedule } from './test-schedules.js';

describe('readSchedule', () => {
  it('reads a schedule as the server sends it', () => {
    const sent = schedule({ id: 's1', lastRun: { taskId: 't1', state: 'completed', status: 'Completed' }, lastTaskId: 't1' });
    expect(readSchedule(JSON.parse(JSON.stringify(sent)))).toEqual(sent);
  });

  it('refuses a value without its required fields and defaults the rest', () => {
    expect(readSchedule({ id: 's1', name: 'x', cron: '* * * * *' })).toBeNull();
    const read = readSchedule({ id: 's1', name: 'x', cron: '* * * * *', enabled: true, overlap: 'sometimes', nextRuns: ['a', 3] });
    expect(read).toMatchObject({ kind: 'demo', timezone: 'UTC', overlap: 'skip', misfire: 'runOnce', nextRuns: ['a'], lastRun: null });
  });

  it('reads a list answer, dropping what it cannot read', () => {
    expect(readScheduleList({ items: [schedule({ id: 'a' }), { id: 'b' }] }).map((item) => item.id)).toEqual(['a']);
    expect(readScheduleList(null)).toEqual([]);
  });
});

describe('readQueueState', () => {
  it('reads the queue with its kinds', () => {
    const state = readQueueState({ paused: true, kinds: [{ kind: 'mailer', paused: false, concurrency: 1, rateLimit: { max: 10, perMs: 60000 }, running: 1, queued: 4 }, { nope: 1 }] });
    expect(state).toEqual({ paused: true, kinds: [{ kind: 'mailer', paused: false, concurrency: 1, rateLimit: { max: 10, perMs: 60000 }, running: 1, queued: 4 }] });
    expect(readQueueState({ kinds: [] })).toBeNull();
  });
});
