import { parseArgs } from 'node:util';
import { ClusterStore } from '../backends/redis/cluster-store.js';
import { ClusterWorker } from '../backends/redis/cluster-worker.js';
import { demoKind } from '../engine/kinds/demo-kind.js';
import type { TaskKind } from '../engine/task-kind.js';
import { JobCatalog } from '../jobs/jobs-catalog.js';
import { redisUrl } from './launch-config.js';

/** `task-monitor worker --help`. */
export const WORKER_HELP = `Usage: task-monitor worker --redis URL [--concurrency N] [--jobs FILE] [--grace-ms MS]

Runs tasks for a cluster (docs/scale-out.md), with no HTTP server: takes jobs from BullMQ on the
given Redis, runs the built-in demo kind and the jobs of the jobs file, and reports every step
to the cluster's nodes. SIGINT/SIGTERM: finishes running tasks within the grace period, then
hands the rest back to the queue.
  --redis URL          The cluster's Redis [env TASK_MONITOR_REDIS_URL]
  --concurrency N      Tasks run at once (default 8) [env TASK_MONITOR_CONCURRENCY]
  --jobs FILE          The jobs file (the same on every node) [env TASK_MONITOR_JOBS]
  --grace-ms MS        Time running tasks get at shutdown (default 10000) [env TASK_MONITOR_GRACE_MS]`;

/** Runs `task-monitor worker`; resolves with an exit code once stopped (2 for bad flags, 1 if it cannot start). */
export async function runWorkerCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: { redis: { type: 'string' }, concurrency: { type: 'string' }, jobs: { type: 'string' }, 'grace-ms': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    process.stderr.write(`task-monitor worker: ${(error as Error).message}\n\n${WORKER_HELP}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${WORKER_HELP}\n`);
    return 0;
  }
  const settings = workerSettings(values, env);
  if (!settings.ok) {
    process.stderr.write(`task-monitor worker: ${settings.message}\n\n${WORKER_HELP}\n`);
    return 2;
  }
  const { url, concurrency, jobsFile, graceMs, lockDurationMs } = settings;
  const kinds = new Map<string, TaskKind<any>>([[demoKind.name, demoKind]]);
  const registry = { registerKind: (kind: TaskKind<any>) => void kinds.set(kind.name, kind), unregisterKind: (name: string) => void kinds.delete(name) };
  const catalog = jobsFile ? new JobCatalog(registry, jobsFile, { onReport: (report) => process.stderr.write(`task-monitor worker: ${report.message}\n`) }) : undefined;
  if (catalog) {
    const loaded = await catalog.load();
    if (!loaded.ok) {
      process.stderr.write(`task-monitor worker: ${loaded.message}\n`);
      return 1;
    }
    catalog.watch();
  }
  const store = new ClusterStore({ url });
  const worker = new ClusterWorker({
    store,
    kindOf: (name) => kinds.get(name),
    concurrency,
    ...(lockDurationMs ? { lockDurationMs, stalledIntervalMs: Math.max(100, Math.floor(lockDurationMs / 2)) } : {}),
    onError: (error) => process.stderr.write(`task-monitor worker: Redis: ${(error as Error).message}; retrying\n`),
  });
  await worker.start();
  process.stdout.write(`task-monitor worker: started (pid ${process.pid}, concurrency ${concurrency}, kinds ${[...kinds.keys()].join(', ')})\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stdout.write(`task-monitor worker: stopping (${worker.active} running, grace ${graceMs / 1000} s)\n`);
    void (async () => {
      await worker.stop({ graceMs });
      await catalog?.close();
      await store.close();
      process.stdout.write('task-monitor worker: stopped\n');
      process.exit(0);
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return undefined;
}

type WorkerSettings =
  | { ok: true; url: string; concurrency: number; jobsFile: string | undefined; graceMs: number; lockDurationMs: number | undefined }
  | { ok: false; message: string };

function workerSettings(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): WorkerSettings {
  const pick = (name: string, envName: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : env[envName] || undefined);
  try {
    const url = redisUrl(pick('redis', 'TASK_MONITOR_REDIS_URL')).redis;
    if (!url) return { ok: false, message: '--redis URL is required (or TASK_MONITOR_REDIS_URL)' };
    const concurrency = wholeNumber(pick('concurrency', 'TASK_MONITOR_CONCURRENCY'), 8, 1, 1024, 'concurrency');
    const graceMs = wholeNumber(pick('grace-ms', 'TASK_MONITOR_GRACE_MS'), 10_000, 0, 600_000, 'grace-ms');
    const lock = env['TASK_MONITOR_LOCK_MS'] ? wholeNumber(env['TASK_MONITOR_LOCK_MS'], 10_000, 200, 600_000, 'TASK_MONITOR_LOCK_MS') : undefined;
    return { ok: true, url, concurrency, jobsFile: pick('jobs', 'TASK_MONITOR_JOBS'), graceMs, lockDurationMs: lock };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

function wholeNumber(raw: string | undefined, fallback: number, min: number, max: number, name: string): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) throw new Error(`--${name} must be a whole number from ${min} to ${max} (got '${raw}')`);
  return value;
}
