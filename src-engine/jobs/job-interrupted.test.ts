import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskDto, TaskLogPage } from '../protocol/messages.js';
import { killAll, runCli } from '../test-support/cli-process.js';
import { getJson, postJson } from '../test-support/http.js';
import { isAlive, waitFor } from './test-support/process-check.js';

/** kill -9 of the server while commands run: each job's onInterrupted decides, and the logs survive. */
afterEach(() => killAll());

describe('a server killed mid-command', () => {
  it('re-runs a job with onInterrupted rerun, fails one with fail, and keeps both logs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobs-crash-'));
    const slow = fileURLToPath(new URL('./test-support/slow.mjs', import.meta.url));
    writeFileSync(
      join(dir, 'jobs.json'),
      JSON.stringify({
        jobs: {
          again: { command: [process.execPath, slow, '40'], onInterrupted: 'rerun' },
          once: { command: [process.execPath, slow, '40'], onInterrupted: 'fail' },
        },
      }),
    );
    const args = ['--port', '0', '--log-level', 'warn', '--jobs', join(dir, 'jobs.json')];
    const env = { TASK_MONITOR_DATA_DIR: join(dir, 'data') };
    const first = runCli(args, env);
    const url = await first.listening();
    const start = async (job: string) => (await postJson(`${url}/api/task/start`, { name: job, job, clientId: 'crash' })).body.taskId as string;
    const again = await start('again');
    const once = await start('once');
    const logged = async (base: string, id: string) => ((await getJson(`${base}/api/tasks/${id}/logs?clientId=crash`)).body as TaskLogPage).lines;
    await waitFor(async () => (await logged(url, again)).length >= 5 && (await logged(url, once)).length >= 5, 'both jobs are logging');
    first.child.kill('SIGKILL');
    await first.exited;

    const second = runCli(args, env);
    const url2 = await second.listening();
    const task = async (id: string) => (await getJson(`${url2}/api/tasks/${id}?clientId=crash`)).body as TaskDto;
    expect(await task(once)).toMatchObject({ state: 'failed', error: 'Interrupted: the server stopped while this task was running', job: 'once' });
    expect((await logged(url2, once))[0]).toMatchObject({ seq: 1, stream: 'stdout', text: 'line 1' });
    await waitFor(async () => (await task(again)).state === 'completed', 'the re-run completed', 30_000);
    expect(await task(again)).toMatchObject({ attempt: 2, result: '40 lines', job: 'again' });
    const lines = await logged(url2, again);
    // The first run's lines are kept; the re-run's follow them, numbered on.
    expect(lines[0]).toMatchObject({ seq: 1, text: 'line 1' });
    expect(lines.filter((line) => line.text === 'line 1').length).toBe(2);
    expect(lines.map((line) => line.seq)).toEqual(lines.map((_, i) => i + 1));
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 90_000);

  it('a graceful shutdown past its grace ends the process tree of a running command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobs-shutdown-'));
    const tree = fileURLToPath(new URL('./test-support/tree.mjs', import.meta.url));
    writeFileSync(join(dir, 'jobs.json'), JSON.stringify({ jobs: { tree: { command: [process.execPath, tree, 'stubborn'], killGraceMs: 500 } } }));
    const server = runCli(['--port', '0', '--log-level', 'warn', '--grace-ms', '300', '--jobs', join(dir, 'jobs.json')], { TASK_MONITOR_DATA_DIR: join(dir, 'data') });
    const url = await server.listening();
    const taskId = (await postJson(`${url}/api/task/start`, { name: 'tree', job: 'tree', clientId: 'stop' })).body.taskId as string;
    let pids: number[] = [];
    await waitFor(async () => {
      const line = ((await getJson(`${url}/api/tasks/${taskId}/logs?clientId=stop`)).body as TaskLogPage).lines.find((l) => l.text.startsWith('pids '));
      pids = line ? line.text.split(' ').slice(1).map(Number) : [];
      return pids.length === 2;
    }, 'the tree started');
    expect(pids.every(isAlive)).toBe(true);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(pids.some(isAlive)).toBe(false);
  }, 60_000);
});
