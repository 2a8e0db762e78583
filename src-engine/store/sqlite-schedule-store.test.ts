import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScheduleRecord } from '../schedules/schedule-record.js';
import { SqliteScheduleStore } from './sqlite-schedule-store.js';
import { SqliteTaskStore } from './sqlite-task-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const schedule = (id: string, overrides: Partial<ScheduleRecord> = {}): ScheduleRecord => ({
  id, name: `s ${id}`, kind: 'demo', parameters: { duration: 2000, nested: { ü: true } }, cron: '0 3 * * *', timezone: 'Europe/Berlin',
  enabled: true, overlap: 'skip', misfire: 'runOnce', source: 'api', clientId: 'owner', createdAt: 1, updatedAt: 2,
  lastRunAt: null, lastTaskId: null, lastError: null, nextRunAt: 99, runPending: false, ...overrides,
});

describe('SqliteScheduleStore', () => {
  it('keeps schedules in the task database across a reopen, every field intact, and deletes them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schedules-'));
    dirs.push(dir);
    const path = join(dir, 'tasks.db');
    const tasks = SqliteTaskStore.open(path);
    const store = new SqliteScheduleStore(tasks.connection);
    const a = schedule('a');
    const b = schedule('b', { createdAt: 5, enabled: false, overlap: 'queue', misfire: 'skip', source: 'file', lastRunAt: 7, lastTaskId: 't', lastError: 'full', nextRunAt: null, runPending: true });
    store.save(a);
    store.save(b);
    a.cron = '*/5 * * * *';
    store.save(a);
    // A run of a schedule remembers it; other tasks read back without the field.
    await tasks.save({ id: 'run', name: 'r', kind: 'demo', parameters: {}, clientId: 'owner', state: 'queued', progress: 0, statusText: 'Queued', result: null, error: null, createdAt: 1, startedAt: null, completedAt: null, attempt: 1, maxAttempts: 1, priority: 0, runAt: null, scheduleId: 'a' });
    await tasks.close();
    const reopened = SqliteTaskStore.open(path);
    expect(new SqliteScheduleStore(reopened.connection).loadAll()).toEqual([a, b]);
    expect(reopened.loadAll()[0]).toMatchObject({ id: 'run', scheduleId: 'a' });
    new SqliteScheduleStore(reopened.connection).delete('a');
    expect(new SqliteScheduleStore(reopened.connection).loadAll()).toEqual([b]);
    await reopened.close();
  });
});
