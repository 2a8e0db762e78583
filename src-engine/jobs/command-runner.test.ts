import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CommandError, runCommand, type CommandRunOptions } from './command-runner.js';
import { isAlive, waitFor } from './test-support/process-check.js';

const script = (name: string) => fileURLToPath(new URL(`./test-support/${name}`, import.meta.url));

function run(argv: string[], extra: Partial<CommandRunOptions> = {}) {
  const lines: Array<[string, string]> = [];
  const progress: Array<[number, string | undefined]> = [];
  const done = runCommand({
    argv: [process.execPath, ...argv],
    cwd: process.cwd(),
    env: process.env,
    timeoutMs: null,
    killGraceMs: 2000,
    progressPattern: null,
    signal: new AbortController().signal,
    onLine: (stream, text) => lines.push([stream, text]),
    onProgress: (percent, message) => progress.push([percent, message]),
    ...extra,
  });
  return { done, lines, progress };
}

describe('runCommand', () => {
  it('reports ::progress lines, logs the others with their stream, and takes ::result as the result', async () => {
    const { done, lines, progress } = run([script('progress.mjs')]);
    await expect(done).resolves.toBe('all done');
    expect(progress).toEqual([
      [25, 'a quarter'],
      [75, undefined],
    ]);
    expect(lines).toEqual([
      ['stdout', 'starting'],
      ['stderr', 'a warning on stderr'],
    ]);
  });

  it('reads progress from the job pattern (percent and message groups), and the last stdout line is the result', async () => {
    const { done, progress } = run([script('pattern.mjs')], { progressPattern: /(?<percent>\d+)% (?<message>.*)/ });
    await expect(done).resolves.toBe('copied 3 files');
    expect(progress).toEqual([
      [10, 'copying a.txt'],
      [55, 'copying b.txt'],
      [90, 'copying c.txt'],
    ]);
  });

  it('fails a non-zero exit with the exit code and the last stderr lines', async () => {
    const { done } = run([script('progress.mjs'), '3']);
    const error = (await done.catch((e: unknown) => e)) as CommandError;
    expect(error).toBeInstanceOf(CommandError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe('Exited with code 3: a warning on stderr\nfirst problem\nsecond problem');
  });

  it('passes hostile values as one literal argument each: there is no shell', async () => {
    const hostile = ['; rm -rf ~', '$(touch /tmp/pwned)', '`id`', 'a\nb', '"quoted" \'single\'', '*', '&& echo hi |'];
    const { done } = run([script('args.mjs'), ...hostile]);
    expect(JSON.parse((await done)!)).toEqual(hostile);
  });

  it('replaces invalid UTF-8, cuts very long lines, and joins characters split across chunks', async () => {
    const { done, lines } = run([script('bytes.mjs')]);
    await done;
    const texts = lines.map(([, text]) => text);
    expect(texts[0]).toBe('ok \uFFFD\uFFFD \uFFFD(');
    expect(texts.slice(1, 4).map((text) => text.length)).toEqual([8192, 8192, 20000 - 2 * 8192]);
    expect(texts[4]).toBe('café');
  });

  it('says when the program cannot be run', async () => {
    const done = runCommand({
      argv: ['/no/such/program'],
      cwd: process.cwd(),
      env: process.env,
      timeoutMs: null,
      killGraceMs: 100,
      progressPattern: null,
      signal: new AbortController().signal,
      onLine: () => undefined,
      onProgress: () => undefined,
    });
    await expect(done).rejects.toThrow("Cannot run '/no/such/program'");
  });

  it('cancel ends the whole process tree, grandchildren included, even when they ignore SIGTERM', async () => {
    const controller = new AbortController();
    const { done, lines } = run([script('tree.mjs'), 'stubborn'], { signal: controller.signal, killGraceMs: 500 });
    await waitFor(() => lines.some(([, text]) => text.startsWith('pids ')), 'the tree started');
    const pids = lines.find(([, text]) => text.startsWith('pids '))![1].split(' ').slice(1).map(Number);
    expect(pids.every(isAlive)).toBe(true);
    controller.abort(new Error('Cancelled by request'));
    await expect(done).rejects.toThrow('Cancelled by request');
    await waitFor(() => !pids.some(isAlive), 'every process of the tree is gone');
  });

  it('a timeout ends the tree and fails the run saying so', async () => {
    const { done, lines } = run([script('tree.mjs')], { timeoutMs: 1500 });
    await waitFor(() => lines.some(([, text]) => text.startsWith('pids ')), 'the tree started');
    const pids = lines.find(([, text]) => text.startsWith('pids '))![1].split(' ').slice(1).map(Number);
    await expect(done).rejects.toThrow('Timed out after 1500 ms');
    await waitFor(() => !pids.some(isAlive), 'every process of the tree is gone');
  });

  it('when the program ends by itself, what it left running in its group is ended too', async () => {
    const { done } = run([script('leave-behind.mjs')], { killGraceMs: 500 });
    const pid = Number(await done);
    expect(pid).toBeGreaterThan(0);
    await waitFor(() => !isAlive(pid), 'the background child is gone');
  });
});
