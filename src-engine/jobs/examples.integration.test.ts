import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../launcher/project-root.js';
import { startTaskMonitor, type RunningTaskMonitor } from '../launcher/start-task-monitor.js';
import type { TaskDto, TaskLogPage } from '../protocol/messages.js';
import { getJson, postJson } from '../test-support/http.js';
import { waitFor } from './test-support/process-check.js';

/** examples/jobs.json runs as shipped: every example job completes on this machine. */
let monitor: RunningTaskMonitor;
beforeAll(async () => {
  monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent', jobs: join(projectRoot(), 'examples', 'jobs.json') });
});
afterAll(() => monitor.close());

async function run(job: string, parameters: Record<string, unknown>): Promise<{ task: TaskDto; log: TaskLogPage }> {
  const { status, body } = await postJson(`${monitor.url}/api/task/start`, { name: job, job, parameters, clientId: 'examples' });
  expect(status, JSON.stringify(body)).toBe(200);
  let task!: TaskDto;
  await waitFor(async () => {
    task = (await getJson(`${monitor.url}/api/tasks/${body.taskId}?clientId=examples`)).body;
    return ['completed', 'failed', 'cancelled'].includes(task.state);
  }, `${job} ended`);
  const log = (await getJson(`${monitor.url}/api/tasks/${body.taskId}/logs?clientId=examples`)).body as TaskLogPage;
  return { task, log };
}

describe('examples/jobs.json', () => {
  it('count reports progress with ::progress and sets its result', async () => {
    const { task, log } = await run('count', { to: 3, delayMs: 10 });
    expect(task).toMatchObject({ state: 'completed', result: 'counted to 3', progress: 100 });
    expect(log.lines.map((line) => line.text)).toEqual(['counted 1', 'counted 2', 'counted 3']);
  });

  it('checksum takes its progress from progress.pattern and its result from the last line', async () => {
    const { task } = await run('checksum', {});
    expect(task.state).toBe('completed');
    expect(task.result).toMatch(/^[0-9a-f]{64} {2}\.\.\/README\.md$/);
  });

  it('disk-usage runs a system command with the folder as one argument', async () => {
    const folder = join(projectRoot(), 'examples');
    const { task } = await run('disk-usage', { folder });
    expect(task.state).toBe('completed');
    expect(task.result!.endsWith(`\t${folder}`)).toBe(true);
  });

  it('word-count runs the module kind', async () => {
    const { task, log } = await run('word-count', { text: 'the cat and the hat' });
    expect(task).toMatchObject({ state: 'completed', result: '5 words, 4 distinct' });
    expect(log.lines.map((line) => line.text)).toEqual(['5 words to count', 'most frequent: the (2), cat (1), and (1)']);
  });
});
