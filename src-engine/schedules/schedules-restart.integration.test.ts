import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScheduleDto } from '../protocol/schedules.js';
import { killAll, runCli } from '../test-support/cli-process.js';
import { getJson, postJson } from '../test-support/http.js';

afterEach(() => killAll());

async function runsOf(url: string, scheduleId: string): Promise<number> {
  const { body } = await getJson(`${url}/api/tasks?all=1&limit=1000`);
  return (body.items as { scheduleId: string | null }[]).filter((task) => task.scheduleId === scheduleId).length;
}

describe('schedules across restarts (real executable)', () => {
  it('survive a SIGKILL: still listed, enabled or not, and an enabled one keeps producing runs', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'task-monitor-schedules-'));
    const env = { TASK_MONITOR_DATA_DIR: dataDir };
    const args = ['--headless', '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn'];
    const first = runCli(args, env);
    const url = await first.listening();
    const every2s = (await postJson(`${url}/api/schedules`, { name: 'Every 2 s', cron: '*/2 * * * * *', parameters: { duration: 1000 }, overlap: 'allow' })).body as ScheduleDto;
    const disabled = (await postJson(`${url}/api/schedules`, { name: 'Off', cron: '*/2 * * * * *', enabled: false })).body as ScheduleDto;
    for (let i = 0; i < 100 && (await runsOf(url, every2s.id)) < 1; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    first.child.kill('SIGKILL');
    await first.exited;

    const second = runCli(args, env);
    const url2 = await second.listening();
    const listed = (await getJson(`${url2}/api/schedules`)).body.items as ScheduleDto[];
    expect(listed.map((s) => [s.id, s.enabled])).toEqual([
      [every2s.id, true],
      [disabled.id, false],
    ]);
    const before = await runsOf(url2, every2s.id);
    expect(before).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 100 && (await runsOf(url2, every2s.id)) < before + 2; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await runsOf(url2, every2s.id)).toBeGreaterThanOrEqual(before + 2);
    expect(await runsOf(url2, disabled.id)).toBe(0);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);
});
