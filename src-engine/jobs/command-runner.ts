import { spawn } from 'node:child_process';
import { LineSplitter } from './line-splitter.js';
import { endGroup } from './process-group.js';
import { matchProgressPattern, parseProtocolLine } from './progress-protocol.js';

/** Lines of stderr quoted in the error of a failed run. */
export const STDERR_TAIL_LINES = 5;

/** What one run of a command needs. */
export interface CommandRunOptions {
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The run fails (and its process group is ended) after this long; null: no limit. */
  timeoutMs: number | null;
  /** Between SIGTERM and SIGKILL. */
  killGraceMs: number;
  progressPattern: RegExp | null;
  /** Cancellation and shutdown: the process group is ended, the run rejects with the signal's reason. */
  signal: AbortSignal;
  onLine(stream: 'stdout' | 'stderr', text: string): void;
  onProgress(percent: number, message: string | undefined): void;
}

/** A run that did not succeed, with a message that says why (exit code or signal, last stderr lines). */
export class CommandError extends Error {
  readonly code = 'ERR_COMMAND_FAILED';
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly exitSignal: NodeJS.Signals | null,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/**
 * Runs a program without a shell, as the leader of its own process group, and turns its output
 * into log lines: `::progress N [message]` and `::result text` lines (stdout) and matches of the
 * job's progress pattern (stdout and stderr) report progress and the result; everything else is
 * logged. Exit 0 resolves with the result (`::result`, else the last stdout line); any other end
 * rejects with a {@link CommandError}. Cancel and timeout end the whole group (SIGTERM, then
 * SIGKILL after the grace), and when the program ends by itself whatever it left running in its
 * group is ended too: no run leaves a process behind. Output is never buffered beyond one line.
 */
export function runCommand(options: CommandRunOptions): Promise<string | null> {
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) return reject(options.signal.reason);
    const child = spawn(options.argv[0]!, options.argv.slice(1), {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let result: string | null = null;
    let lastStdout: string | null = null;
    const stderrTail: string[] = [];
    let stopReason: unknown;
    let ending: Promise<void> | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: Error | undefined;

    const progress = (line: string): boolean => {
      if (!options.progressPattern) return false;
      const signal = matchProgressPattern(options.progressPattern, line);
      if (signal?.kind !== 'progress') return false;
      options.onProgress(signal.percent, signal.message);
      return true;
    };
    const stdout = new LineSplitter((line) => {
      const signal = parseProtocolLine(line);
      if (signal?.kind === 'progress') return options.onProgress(signal.percent, signal.message);
      if (signal?.kind === 'result') {
        result = signal.text;
        return;
      }
      progress(line);
      lastStdout = line;
      options.onLine('stdout', line);
    });
    const stderr = new LineSplitter((line) => {
      progress(line);
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
      options.onLine('stderr', line);
    });
    child.stdout.on('data', (chunk: Buffer) => stdout.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.write(chunk));

    const stop = (reason: unknown): void => {
      if (stopReason !== undefined || exit) return;
      stopReason = reason;
      if (child.pid !== undefined) ending = endGroup(child.pid, options.killGraceMs);
    };
    const onAbort = (): void => stop(options.signal.reason);
    options.signal.addEventListener('abort', onAbort, { once: true });
    const timer =
      options.timeoutMs === null ? undefined : setTimeout(() => stop(new CommandError(`Timed out after ${options.timeoutMs} ms`, null, null)), options.timeoutMs);

    child.once('error', (error) => {
      spawnError = error;
      if (child.pid === undefined) void finish(); // no process was made (ENOENT, EACCES...)
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      // Leftovers of the program in its group (a background child) are ended with it.
      ending ??= endGroup(child.pid!, options.killGraceMs);
      // The group is gone; pipes still open are held by a process that left it: stop reading.
      void ending.then(() => setTimeout(() => (child.stdout.destroy(), child.stderr.destroy()), 1000).unref());
    });
    child.once('close', () => void finish());
    let finished = false;
    const finish = async (): Promise<void> => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      stdout.end();
      stderr.end();
      await ending;
      if (spawnError) return reject(new CommandError(explainSpawnError(options.argv[0]!, spawnError), null, null));
      if (stopReason !== undefined) return reject(stopReason);
      const { code, signal } = exit ?? { code: null, signal: null };
      if (code === 0) return resolve(result ?? lastStdout);
      const why = code !== null ? `Exited with code ${code}` : `Killed by signal ${signal ?? 'unknown'}`;
      reject(new CommandError(stderrTail.length > 0 ? `${why}: ${stderrTail.join('\n')}` : why, code, signal));
    };
  });
}

function explainSpawnError(program: string, error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `Cannot run '${program}': no such program or working folder`;
  if (code === 'EACCES') return `Cannot run '${program}': permission denied`;
  return `Cannot run '${program}': ${error.message}`;
}
