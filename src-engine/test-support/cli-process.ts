import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../launcher/project-root.js';

/** A `task-monitor` process started by a test. */
export interface CliProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Resolves with the URL once the server says it is listening. */
  listening(): Promise<string>;
}

const running = new Set<ChildProcess>();

/**
 * Runs the built `bin/task-monitor.js` under plain Node, with a throwaway data folder unless the
 * test names one: tests never touch the user's real database.
 */
export function runCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const dataDir = mkdtempSync(join(tmpdir(), 'task-monitor-cli-'));
  const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'task-monitor.js'), ...args], {
    env: { ...process.env, TASK_MONITOR_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const listening = async (): Promise<string> => (await waitForOutput(() => output, /listening on (http:\/\/[^\s"]+)/))[1]!;
  return { child, output: () => output, exited, listening };
}

/** Kills every process a test started and did not end. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Polls the output until it matches, for up to 30 s (a loaded CI machine starts Node slowly). */
export async function waitForOutput(output: () => string, pattern: RegExp): Promise<RegExpMatchArray> {
  for (let i = 0; i < 600; i++) {
    const match = output().match(pattern);
    if (match) return match;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never printed ${pattern}: ${output()}`);
}
