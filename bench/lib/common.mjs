// Helpers shared by the bench sections: child processes, waiting with bounds, statistics.
import { fork } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export { sleep };

export const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

/** Absolute path of a file next to this folder's parent (bench/). */
export function benchPath(relative) {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

/** Progress line on stderr (stdout carries the result). */
export function log(...parts) {
  process.stderr.write(`  ${parts.join(' ')}\n`);
}

/** Prints a section's result for bench/run.mjs. */
export function emitResult(result) {
  process.stdout.write(`BENCH-RESULT ${JSON.stringify(result)}\n`);
}

/**
 * A child process speaking JSON over IPC, with request/answer helpers. Every wait is bounded:
 * a child that hangs is killed and the wait rejects.
 */
export class Child {
  constructor(script, { args = [], execArgv = [] } = {}) {
    this.proc = fork(benchPath(script), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    this.listeners = new Set();
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
    this.proc.on('message', (message) => {
      for (const listener of [...this.listeners]) listener(message);
    });
  }

  on(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(message) {
    this.proc.send(message);
  }

  /** Resolves with the first message of this type (waiting at most timeoutMs). */
  next(type, timeoutMs = 60_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`child ${this.proc.pid}: no '${type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on((message) => {
        if (message?.type === 'error') {
          clearTimeout(timer);
          off();
          reject(new Error(`child ${this.proc.pid}: ${message.message}`));
        } else if (message?.type === type) {
          clearTimeout(timer);
          off();
          resolve(message);
        }
      });
    });
  }

  /** Sends a command and waits for its answer. */
  async ask(message, answerType, timeoutMs) {
    const answer = this.next(answerType, timeoutMs);
    this.send(message);
    return answer;
  }

  async stop() {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}

/** Child side: answers commands from the parent; an exception is reported, not swallowed. */
export function serveCommands(handlers) {
  process.on('message', async (message) => {
    const handler = handlers[message?.type];
    if (!handler) return;
    try {
      const answer = await handler(message);
      if (answer) process.send(answer);
    } catch (error) {
      process.send({ type: 'error', message: error?.stack ?? String(error) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/** Polls a condition every `everyMs` until it holds or the time is up; returns whether it held. */
export async function waitUntil(condition, timeoutMs, everyMs = 5) {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await sleep(everyMs);
  }
  return true;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Percentile (0-100) of an already sorted array, nearest rank. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Microseconds on the machine's monotonic clock, comparable across processes (CLOCK_MONOTONIC). */
export function monoMicros() {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Runs `variants` (an object name → async () => number) in alternation `rounds` times and
 * returns the median of each, so that drift (thermal, other load) hits both sides alike.
 */
export async function alternate(variants, rounds, label) {
  const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(variants)) {
      const value = await run(round);
      samples[name].push(value);
      log(`${label} ${name} #${round + 1}: ${formatNumber(value)}`);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, { median: median(values), samples: values }]));
}

export function formatNumber(value) {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Resident set size of a process, in bytes, from /proc (Linux). */
export async function rssOf(pid) {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return match ? Number(match[1]) * 1024 : NaN;
}

let clockTicks;

/**
 * CPU time (user + system, all its threads) the processes `pids` have used so far, in seconds,
 * from /proc (Linux). Work per CPU-second does not depend on how many processes a side uses or on
 * how the machine's other load shares the cores out, which jobs/s on a busy machine does.
 */
export async function cpuSecondsOf(pids) {
  const { readFile } = await import('node:fs/promises');
  if (clockTicks === undefined) {
    const { execFileSync } = await import('node:child_process');
    clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  }
  let ticks = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / clockTicks;
}
