import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageCollector } from '../test-support/message-collector.js';
import { projectRoot } from './project-root.js';

/** The real `task-monitor` executable under plain Node, as a person runs it. */
const root = projectRoot();
const bin = join(root, 'bin', 'task-monitor.js');
const children: ChildProcess[] = [];

beforeAll(() => {
  // The executable runs the compiled launcher; compile it so the test proves the current source.
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.engine.json')], { stdio: 'inherit' });
}, 60_000);

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function run(args: string[], env: Record<string, string> = {}): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  // A throwaway data folder per run: tests never touch the user's real database.
  const dataDir = mkdtempSync(join(tmpdir(), 'task-monitor-cli-'));
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, TASK_MONITOR_DATA_DIR: dataDir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForOutput(output: () => string, pattern: RegExp): Promise<RegExpMatchArray> {
  for (let i = 0; i < 200; i++) {
    const match = output().match(pattern);
    if (match) return match;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never printed ${pattern}: ${output()}`);
}

describe('task-monitor --headless', () => {
  it('prints help and exits 0', async () => {
    const { output, exited } = run(['--help']);
    expect(await exited).toBe(0);
    expect(output()).toContain('--allow-origin');
  });

  it('refuses a bad flag with exit code 2 and a message', async () => {
    const { output, exited } = run(['--headless', '--port', 'nope']);
    expect(await exited).toBe(2);
    expect(output()).toContain("--port must be a whole number from 0 to 65535 (got 'nope')");
  });

  it('exits 1 with a clear message when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { output, exited } = run(['--headless', '--port', String(port)]);
      expect(await exited).toBe(1);
      expect(output()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('serves on the port from TASK_MONITOR_PORT and shuts down gracefully on SIGTERM, closing sockets with a reason', async () => {
    const { child, output, exited } = run(['--headless', '--log-level', 'info'], { TASK_MONITOR_PORT: '0' });
    const [, url] = await waitForOutput(output, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    const socket = await MessageCollector.open(url!, 'cli-session');
    child.kill('SIGTERM');
    expect(await socket.closed).toEqual({ code: 1001, reason: 'Server shutting down' });
    expect(await exited).toBe(0);
  });
});
