import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import type { TaskLogLine, TaskLogPage } from '../protocol/messages.js';
import { DEFAULT_LOG_LIMITS } from '../store/log-budget.js';
import { killAll, runCli } from '../test-support/cli-process.js';
import { getJson, postJson } from '../test-support/http.js';
import { waitFor } from './test-support/process-check.js';

/**
 * A program that writes 200 MB: the real server, in its own process with a JavaScript heap
 * capped far below 200 MB (a server that kept the output would die of it), stays up, stays
 * small, and stores a capped log that ends with the program's last line.
 */
const dir = mkdtempSync(join(tmpdir(), 'jobs-flood-'));
afterAll(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

/** Peak resident memory of a process, in MB (Linux); undefined elsewhere. */
function peakRssMb(pid: number): number | undefined {
  const status = `/proc/${pid}/status`;
  if (!existsSync(status)) return undefined;
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(status, 'utf8'));
  return match ? Number(match[1]) / 1024 : undefined;
}

describe('a job that writes 200 MB', () => {
  it('keeps the server memory bounded and stores a capped log (head, marker, tail) that ends with the last line', async () => {
    const flood = fileURLToPath(new URL('./test-support/flood.mjs', import.meta.url));
    writeFileSync(join(dir, 'jobs.json'), JSON.stringify({ jobs: { flood: { command: [process.execPath, flood, '{mb}'], parameters: { mb: { type: 'integer', required: true } } } } }));
    const server = runCli(['--port', '0', '--log-level', 'warn', '--jobs', join(dir, 'jobs.json')], { TASK_MONITOR_DATA_DIR: join(dir, 'data'), NODE_OPTIONS: '--max-old-space-size=64' });
    const url = await server.listening();
    // A client follows the log all along: live streaming must not buffer the flood either. It
    // counts frames and keeps none.
    const socket = new WebSocket(`${url.replace('http', 'ws')}/ws?sessionId=flood`);
    await new Promise((resolve) => socket.once('open', resolve));
    let frames = 0;
    let largest = 0;
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; data: { lines?: unknown[] } };
      if (message.type !== 'taskLog') return;
      frames++;
      largest = Math.max(largest, message.data.lines!.length);
    });
    const { body } = await postJson(`${url}/api/task/start`, { name: 'flood', job: 'flood', parameters: { mb: 200 }, clientId: 'flood' });
    const taskId = body.taskId as string;
    socket.send(JSON.stringify({ type: 'subscribeLog', taskId }));
    await waitFor(async () => (await getJson(`${url}/api/tasks/${taskId}?clientId=flood`)).body.state !== 'running', 'the flood ended', 150_000);
    expect((await getJson(`${url}/api/tasks/${taskId}?clientId=flood`)).body).toMatchObject({ state: 'completed', result: 'the end' });
    const peak = peakRssMb(server.child.pid!);
    if (peak !== undefined) expect(peak, `peak RSS ${peak.toFixed(0)} MB`).toBeLessThan(200);

    const lines: TaskLogLine[] = [];
    for (let after = 0; ; ) {
      const page = (await getJson(`${url}/api/tasks/${taskId}/logs?clientId=flood&after=${after}&limit=5000`)).body as TaskLogPage;
      lines.push(...page.lines);
      if (!page.more) break;
      after = page.lines.at(-1)!.seq;
    }
    const storedBytes = lines.reduce((sum, line) => sum + line.text.length + 64, 0);
    expect(storedBytes).toBeLessThanOrEqual(DEFAULT_LOG_LIMITS.headBytes + DEFAULT_LOG_LIMITS.tailBytes + 1024);
    expect(storedBytes).toBeGreaterThan(DEFAULT_LOG_LIMITS.headBytes);
    expect(lines.some((line) => line.text.startsWith('[task-monitor] The log is over its limit'))).toBe(true);
    expect(lines.at(-1)!.text).toBe('the end');
    expect(lines.at(-1)!.seq).toBe(200 * 1024 + 2); // every line numbered, the marker included
    expect(frames).toBeGreaterThan(1);
    expect(largest).toBeLessThanOrEqual(1000);
    socket.close();
  }, 200_000);
});
