import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from './project-root.js';

/** The real executable (built by globalSetup), with stdout and stderr kept apart. */
function run(args: string[]) {
  const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'task-monitor.js'), '--headless', '--host', '127.0.0.1', '--port', '0', '--grace-ms', '0', ...args], {
    env: { ...process.env, TASK_MONITOR_DATA_DIR: mkdtempSync(join(tmpdir(), 'task-monitor-out-')), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const waitFor = async (pattern: RegExp, where: () => string): Promise<RegExpMatchArray> => {
    for (let i = 0; i < 400; i++) {
      const match = where().match(pattern);
      if (match) return match;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`never printed ${pattern}: stdout ${stdout} stderr ${stderr}`);
  };
  return { child, exited, stdout: () => stdout, stderr: () => stderr, waitFor };
}

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('terminal output', () => {
  it('not on a terminal: stdout is JSON lines only; requests are logged at debug, once each; Ctrl-C says stopping… then stopped', async () => {
    const cli = run(['--log-level', 'debug']);
    const [, url] = await cli.waitFor(/listening on (http:\/\/[^\s"]+)/, cli.stderr);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    await cli.waitFor(/GET \/health 200/, cli.stdout);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    const lines = cli.stdout().trim().split('\n');
    const records = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
    const requests = records.filter((record) => record.msg.startsWith('GET /health'));
    expect(requests).toEqual([expect.objectContaining({ level: 20, msg: 'GET /health 200', statusCode: 200 })]);
    const messages = records.map((record) => record.msg);
    expect(messages).toContain('stopping… (0 tasks running, grace 0s)');
    expect(messages.at(-1)).toBe('stopped');
    // The start block, for people, went to stderr.
    expect(cli.stderr()).toMatch(/data folder\s+\S+task-monitor-out-/);
  });

  it('--log-format pretty: readable lines (time, level word, message), no request lines at info, the start block on stdout', async () => {
    const cli = run(['--log-format', 'pretty']);
    const [, url] = await cli.waitFor(/listening on (http:\/\/[^\s"]+)/, cli.stdout);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    const out = cli.stdout();
    expect(out).not.toMatch(/^\{/m);
    expect(out).not.toContain('/health');
    expect(out).toMatch(/^\d\d:\d\d:\d\d INFO  stopping… \(0 tasks running, grace 0s\) signal=SIGINT$/m);
    expect(out).toMatch(/^\d\d:\d\d:\d\d INFO  stopped$/m);
    expect(out).toMatch(/^ {2}data folder {2}\S+/m);
    expect(out).toMatch(/^ {2}pair +listening on loopback only/m);
  });

  it('refuses an unknown --log-format', async () => {
    const cli = run(['--log-format', 'xml']);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toContain("--log-format must be json or pretty (got 'xml')");
  });
});
