import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskDto } from '../protocol/messages.js';
import { killAll, runCli } from '../test-support/cli-process.js';
import { getJson, postJson } from '../test-support/http.js';
import { MessageCollector } from '../test-support/message-collector.js';

/**
 * kill -9 mid-run, then restart on the same data folder: every task accepted before the kill is
 * accounted for, and none is left Running forever.
 */
afterEach(() => killAll());

async function tasksOf(url: string, clientId: string): Promise<TaskDto[]> {
  return (await getJson(`${url}/api/tasks?clientId=${clientId}&limit=1000`)).body.items as TaskDto[];
}

async function untilAllFinal(url: string, clientId: string, count: number): Promise<TaskDto[]> {
  for (let i = 0; i < 300; i++) {
    const tasks = await tasksOf(url, clientId);
    if (tasks.length === count && tasks.every((t) => ['completed', 'failed', 'cancelled'].includes(t.state))) return tasks;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`tasks never all finished: ${JSON.stringify(await tasksOf(url, clientId))}`);
}

describe('crash recovery', () => {
  it('after SIGKILL mid-run, a restart accounts for every accepted task and finishes them all', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'task-monitor-crash-'));
    const env = { TASK_MONITOR_DATA_DIR: dataDir };
    const args = ['--headless', '--host', '127.0.0.1', '--port', '0', '--concurrency', '2', '--log-level', 'warn'];

    const first = runCli(args, env);
    const url = await first.listening();
    const socket = await MessageCollector.open(url, 'crash');
    const accepted: string[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await postJson(`${url}/api/task/start`, { name: `Crash ${i}`, duration: 1000, clientId: 'crash' });
      expect(response.status).toBe(200);
      accepted.push(response.body.taskId);
    }
    // Two finish, the next two are mid-run, two still wait: then the process dies without warning.
    await socket.waitFor((m) => m.type === 'taskProgress' && m.data.id === accepted[2] && m.data.progress >= 30, 'third task mid-run', 15_000);
    first.child.kill('SIGKILL');
    await first.exited;
    await socket.closed;
    const completedBefore = new Set(socket.ofType('taskProgress').filter((m) => m.data.state === 'completed').map((m) => m.data.id));
    expect(completedBefore.size).toBeGreaterThanOrEqual(2);

    const second = runCli(args, env);
    const url2 = await second.listening();
    const recovered = await tasksOf(url2, 'crash');
    expect(new Set(recovered.map((t) => t.id))).toEqual(new Set(accepted));
    for (const task of recovered) if (completedBefore.has(task.id)) expect(task).toMatchObject({ state: 'completed', attempt: 1 });

    const final = await untilAllFinal(url2, 'crash', accepted.length);
    expect(final.map((t) => t.state)).toEqual(accepted.map(() => 'completed'));
    const rerun = final.filter((t) => t.attempt === 2);
    expect(rerun.length).toBeGreaterThanOrEqual(1); // the ones interrupted mid-run ran again
    for (const task of rerun) expect(completedBefore.has(task.id)).toBe(false);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);

  it('keeps history across a graceful restart: finished tasks are still listed with their results', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'task-monitor-history-'));
    const env = { TASK_MONITOR_DATA_DIR: dataDir };
    const args = ['--headless', '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn'];
    const first = runCli(args, env);
    const url = await first.listening();
    const socket = await MessageCollector.open(url, 'history');
    const { body } = await postJson(`${url}/api/task/start`, { name: 'Remember me', duration: 1000, clientId: 'history' });
    const final = await socket.waitForFinal(body.taskId);
    first.child.kill('SIGTERM');
    await first.exited;

    const second = runCli(args, env);
    const url2 = await second.listening();
    const [task] = await tasksOf(url2, 'history');
    expect(task).toMatchObject({ id: body.taskId, name: 'Remember me', state: 'completed', result: final.data.result });
  }, 30_000);
});
