// Processes of the cluster section: the built launcher as an API node (`--headless`, with or
// without `--redis`), as a worker (`worker --redis URL`), and the jobs file they all load.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchPath } from './common.mjs';

/** The launcher refused `--redis` (or the `worker` command): this build has no cluster mode. */
export class ClusterUnavailableError extends Error {
  code = 'ERR_CLUSTER_UNAVAILABLE';
}

const FLAGS_REFUSED = 2; // the launcher's exit code for bad flags

/**
 * Writes `jobs.json` in `dir`: `bench-noop` (returns the pid of the process that ran it) and
 * `bench-demo` (ten stamped progress reports over `duration` ms). Returns its path.
 */
export function writeBenchJobsFile(dir) {
  const file = join(dir, 'jobs.json');
  const jobs = {
    jobs: {
      'bench-noop': { title: 'Bench no-op', module: benchPath('lib/job-modules/bench-noop.mjs'), allow: ['owner'] },
      'bench-demo': {
        title: 'Bench stamped demo',
        module: benchPath('lib/job-modules/bench-demo.mjs'),
        parameters: { duration: { type: 'integer', minimum: 1000, maximum: 30000, default: 1000 } },
        allow: ['owner'],
      },
    },
  };
  writeFileSync(file, JSON.stringify(jobs, null, 2));
  return file;
}

/** The environment without TASK_MONITOR_* variables: only the flags the bench gives count. */
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TASK_MONITOR_')));
}

/** `node bin/task-monitor.js …args`, its output drained (the last 8 KB kept for error messages). */
function launch(args) {
  const proc = spawn(process.execPath, ['bin/task-monitor.js', ...args], { cwd: benchPath('..'), env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const state = { output: '' };
  const keep = (chunk) => {
    state.output = (state.output + chunk).slice(-8192);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  return { proc, state, exited, stop };
}

/** A refusal of the flags that names Redis or the worker command means no cluster mode in this build. */
function refusal(result, output, args) {
  const message = `task-monitor ${args.join(' ')} exited (${result.code ?? result.signal}): ${output.trim().split('\n').slice(0, 3).join(' / ')}`;
  if (result.code === FLAGS_REFUSED && /redis|worker|positional|unknown/i.test(output)) return new ClusterUnavailableError(message);
  return new Error(message);
}

/**
 * Starts an API node (`--headless … --port 0`) and resolves `{ url, pid, stop() }` once it prints
 * the URL it listens on (its start banner, on stdout or stderr). Rejects with
 * {@link ClusterUnavailableError} when the launcher refuses `--redis`.
 */
export async function startApiNode(args, timeoutMs = 30_000) {
  const node = launch(['--headless', '--host', '127.0.0.1', '--port', '0', '--grace-ms', '0', '--log-level', 'warn', ...args]);
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within ${timeoutMs} ms: ${node.state.output}`)), timeoutMs);
      const onData = () => {
        const match = /listening on (http:\/\/[\w.:[\]-]+)/.exec(node.state.output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      node.proc.stdout.on('data', onData);
      node.proc.stderr.on('data', onData);
      node.exited.then((result) => {
        clearTimeout(timer);
        reject(refusal(result, node.state.output, args));
      });
    });
    return { url, pid: node.proc.pid, stop: node.stop };
  } catch (error) {
    await node.stop();
    throw error;
  }
}

/**
 * Starts a worker (`worker --redis URL --concurrency N --jobs FILE --grace-ms 0`) and resolves
 * `{ pid, stop() }` once it says it started ("task-monitor worker: started"). Rejects with
 * {@link ClusterUnavailableError} when the launcher refuses the command.
 */
export async function startWorker({ redisUrl, concurrency, jobsFile }, timeoutMs = 30_000) {
  const args = ['worker', '--redis', redisUrl, '--concurrency', String(concurrency), '--jobs', jobsFile, '--grace-ms', '0'];
  const worker = launch(args);
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker did not start within ${timeoutMs} ms: ${worker.state.output}`)), timeoutMs);
      const onData = () => {
        if (/worker: started/.test(worker.state.output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      worker.proc.stdout.on('data', onData);
      worker.proc.stderr.on('data', onData);
      worker.exited.then((result) => {
        clearTimeout(timer);
        reject(refusal(result, worker.state.output, args));
      });
    });
    return { pid: worker.proc.pid, stop: worker.stop };
  } catch (error) {
    await worker.stop();
    throw error;
  }
}
