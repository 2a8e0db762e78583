import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLaunchConfig } from '../launcher/launch-config.js';
import { killAll, runCli } from '../test-support/cli-process.js';
import { getJson } from '../test-support/http.js';

/** How the launcher finds the jobs file, and what a bad one does to the start. */
afterEach(() => killAll());

describe('the jobs file at launch', () => {
  it('--jobs wins over TASK_MONITOR_JOBS', () => {
    expect(parseLaunchConfig(['--jobs', 'a.json'], { TASK_MONITOR_JOBS: 'b.json' })).toMatchObject({ ok: true, config: { jobs: 'a.json' } });
    expect(parseLaunchConfig([], { TASK_MONITOR_JOBS: 'b.json' })).toMatchObject({ ok: true, config: { jobs: 'b.json' } });
    const none = parseLaunchConfig([], {});
    expect(none.ok && none.config.jobs).toBeUndefined();
  });

  it('a bad file fails the start with exit code 1 and a message naming the job and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobs-launch-'));
    writeFileSync(join(dir, 'jobs.json'), JSON.stringify({ jobs: { backup: { command: ['rsync'], parameters: { source: { type: 'path' } } } } }));
    const cli = runCli(['--port', '0', '--jobs', join(dir, 'jobs.json')]);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain(`task-monitor: The jobs file ${join(dir, 'jobs.json')} is not valid: job 'backup': parameters.source.type must be one of:`);
  }, 30_000);

  it('uses DATA_DIR/jobs.json when no file is named', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jobs-datadir-'));
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'jobs.json'), JSON.stringify({ jobs: { hello: { command: ['echo', 'hello'] } } }));
    const cli = runCli(['--port', '0', '--log-level', 'warn'], { TASK_MONITOR_DATA_DIR: dataDir });
    const url = await cli.listening();
    const { body } = await getJson(`${url}/api/jobs`);
    expect(body).toMatchObject({ jobs: [{ id: 'hello', type: 'command' }], error: null, file: join(dataDir, 'jobs.json') });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  }, 30_000);
});
