import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../../launcher/project-root.js';
import { startTaskMonitor, type RunningTaskMonitor, type TaskMonitorOptions } from '../../../launcher/start-task-monitor.js';
import { startRedis, type TestRedis } from '../../../test-support/redis-server.js';

/** A `task-monitor worker` process started by a test. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves once it says it started. */
  readonly started: Promise<void>;
  readonly exited: Promise<number | null>;
  /** SIGKILL: no grace, no cleanup (a machine lost). */
  kill(): Promise<void>;
  /** SIGTERM: a graceful stop. */
  stop(): Promise<number | null>;
}

const processes = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of processes) child.kill('SIGKILL');
});

/** Runs the built `bin/task-monitor.js worker` against a Redis (lock duration short, so a killed worker is noticed fast). */
export function startWorkerProcess(redisUrl: string, args: string[] = [], env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'task-monitor.js'), 'worker', '--redis', redisUrl, ...args], {
    env: { ...process.env, TASK_MONITOR_LOCK_MS: '1000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  processes.add(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      processes.delete(child);
      resolve(code);
    }),
  );
  const started = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk;
      if (output.includes('worker: started')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk) => (output += chunk));
    void exited.then((code) => reject(new Error(`worker exited (${code}) before it started: ${output}`)));
  });
  started.catch(() => undefined);
  return {
    child,
    output: () => output,
    started,
    exited,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A cluster for a test: its own Redis, API nodes in this process, worker processes. */
export interface TestCluster {
  readonly redis: TestRedis;
  readonly nodes: RunningTaskMonitor[];
  readonly workers: WorkerProcess[];
  /** Starts another API node (serve-only unless `withWorkers`). */
  addNode(options?: TaskMonitorOptions): Promise<RunningTaskMonitor>;
  addWorker(args?: string[]): Promise<WorkerProcess>;
  close(): Promise<void>;
}

/** Starts Redis, `nodes` serve-only API nodes and `workers` worker processes. */
export async function startCluster(shape: { nodes: number; workers: number; workerConcurrency?: number }): Promise<TestCluster> {
  const redis = await startRedis();
  const nodes: RunningTaskMonitor[] = [];
  const workers: WorkerProcess[] = [];
  const cluster: TestCluster = {
    redis,
    nodes,
    workers,
    async addNode(options = {}) {
      const node = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent', inMemory: true, redis: redis.url, noWorkers: true, graceMs: 2000, ...options });
      nodes.push(node);
      return node;
    },
    async addWorker(args = []) {
      const worker = startWorkerProcess(redis.url, ['--concurrency', String(shape.workerConcurrency ?? 4), '--grace-ms', '2000', ...args]);
      workers.push(worker);
      await worker.started;
      return worker;
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.kill()));
      await Promise.all(nodes.map((node) => node.close().catch(() => undefined)));
      await redis.stop();
    },
  };
  for (let i = 0; i < shape.nodes; i++) await cluster.addNode();
  for (let i = 0; i < shape.workers; i++) await cluster.addWorker();
  return cluster;
}
