import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTaskMonitor, type RunningTaskMonitor } from '../launcher/start-task-monitor.js';
import { getJson } from '../test-support/http.js';
import { fileSchedulesOf } from './job-file-schedules.js';
import type { JobDefinition } from '../jobs/job-definition.js';

/** Schedules written in the jobs file become the scheduler's `file:<job>` schedules and follow the file's edits. */
let monitor: RunningTaskMonitor | undefined;
afterEach(async () => {
  await monitor?.close();
  monitor = undefined;
});

function jobsFile(dir: string, jobs: Record<string, unknown>): string {
  const file = join(dir, 'jobs.json');
  writeFileSync(file, JSON.stringify({ jobs }));
  return file;
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('schedules of the jobs file', () => {
  it('declares one schedule per job that has one, with the file’s cron, zone, parameters and policies', () => {
    const jobs = [
      { id: 'nightly', title: 'Nightly backup', schedule: { cron: '0 3 * * *', timezone: 'Europe/Berlin', parameters: { n: 1 }, overlap: 'queue', misfire: 'skip' } },
      { id: 'adhoc', title: 'Ad hoc', schedule: null },
    ] as unknown as JobDefinition[];
    expect(fileSchedulesOf(jobs)).toEqual([
      { job: 'nightly', name: 'Nightly backup', cron: '0 3 * * *', timezone: 'Europe/Berlin', parameters: { n: 1 }, overlap: 'queue', misfire: 'skip' },
    ]);
  });

  it('are served at start, change when the file changes, and go when the file drops them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'job-schedules-'));
    const echo = { command: [process.execPath, '-e', 'console.log(1)'] };
    const file = jobsFile(dir, { tick: { ...echo, title: 'Tick', schedule: { cron: '0 3 * * *', timezone: 'Europe/Berlin' } }, plain: echo });
    monitor = await startTaskMonitor({ port: 0, uiDir: null, logLevel: 'silent', inMemory: true, jobs: file });
    const schedules = async () => (await getJson(`${monitor!.url}/api/schedules`)).body as { items: Array<{ id: string; cron: string; timezone: string; source: string; kind: string }> };
    expect((await schedules()).items).toEqual([expect.objectContaining({ id: 'file:tick', kind: 'tick', cron: '0 3 * * *', timezone: 'Europe/Berlin', source: 'file' })]);

    jobsFile(dir, { tick: { ...echo, title: 'Tick', schedule: { cron: '15 4 * * *', timezone: 'UTC' } }, plain: echo });
    await until(async () => (await schedules()).items[0]?.cron === '15 4 * * *');

    jobsFile(dir, { tick: echo, plain: echo });
    await until(async () => (await schedules()).items.length === 0);
  }, 30_000);
});
