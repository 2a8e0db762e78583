import { ClusterEngine } from '../backends/redis/cluster-engine.js';
import { ClusterStore } from '../backends/redis/cluster-store.js';
import { ClusterWorker } from '../backends/redis/cluster-worker.js';
import { redisUrlForLogs } from '../backends/redis/redis-url.js';
import { TaskMetrics } from '../metrics/task-metrics.js';
import { MemoryRollupStore } from '../metrics/rollup-store.js';
import { StatsRollups } from '../metrics/stats-rollups.js';
import { buildServer, type NodeHandler } from '../server/build-server.js';
import { resolveLimits, type ServerLimits } from '../server/access/server-limits.js';
import type { JobsReport } from '../jobs/jobs-catalog.js';
import { LaunchError, explainListenError } from './launch-error.js';
import { BullScheduleTimer } from '../backends/redis/bull-schedule-timer.js';
import { RedisScheduleStore } from '../backends/redis/redis-schedule-store.js';
import { Scheduler } from '../schedules/scheduler.js';
import { openRedisAccessStore } from '../backends/redis/redis-access-store.js';
import { AccessStoreError } from '../backends/redis/access-store-error.js';
import type { AccessStateStore } from '../server/access/access-state-store.js';
import { loadUiHandler } from './ui-handler.js';
import { openJobs, relisten, type RunningTaskMonitor, type TaskMonitorOptions } from './start-task-monitor.js';
import { accessControlOf, followJobsFile, runningMonitor, serverOptionsOf } from './node-parts.js';

/**
 * A node of a cluster (`--headless --redis URL`): the same server, UI and sockets as a single
 * node, in front of the cluster engine (tasks, numbering and history in Redis) and, unless
 * `noWorkers`, a BullMQ worker that runs tasks for the whole cluster.
 */
export async function startClusterNode(options: TaskMonitorOptions, redisUrl: string): Promise<RunningTaskMonitor> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 5000;
  const store = new ClusterStore({ url: redisUrl, ...(options.redisPrefix ? { prefix: options.redisPrefix } : {}), ...(options.replayFrames ? { journalLength: options.replayFrames } : {}) });
  // What is opened before the node listens is closed again, newest first, if a later step fails:
  // a refused start leaves no Redis connection behind (it would keep the process alive).
  const undo: (() => unknown)[] = [() => store.close()];
  const unwind = async (): Promise<void> => {
    for (const step of undo.reverse()) await Promise.resolve().then(step).catch(() => undefined);
  };
  try {
    await waitForRedis(store, redisUrl);
    const limits: Partial<ServerLimits> = { ...options.limits, ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }) };
    // Paired devices, pairing codes, failure limits and the API token are the cluster's (docs/security.md, "Several nodes").
    const accessStore: AccessStateStore = await openRedisAccessStore({ url: redisUrl, ...(options.token !== undefined ? { token: options.token } : {}), limits: resolveLimits(limits) });
    undo.push(() => accessStore.close());
    const engine = new ClusterEngine({ store, capacity: options.queueCapacity ?? 1000 });
    undo.push(() => engine.stop());
    let jobsLogger: (report: JobsReport) => void = () => undefined;
    const jobs = await openJobs(engine, options, (report) => jobsLogger(report));
    undo.push(() => jobs?.close());
    let errorLogger: (error: unknown) => void = () => undefined;
    const worker = options.noWorkers
      ? undefined
      : new ClusterWorker({
          store,
          kindOf: (name) => engine.kindNamed(name),
          concurrency: options.concurrency ?? 8,
          ...(options.lockDurationMs ? { lockDurationMs: options.lockDurationMs, stalledIntervalMs: Math.max(100, Math.floor(options.lockDurationMs / 2)) } : {}),
          onError: (error) => errorLogger(error),
        });
    undo.push(() => worker?.stop({ graceMs: 0 }));
    // Schedules live in Redis; BullMQ's job schedulers fire each due time once, on one node.
    const scheduleStore = new RedisScheduleStore(store);
    undo.push(() => scheduleStore.close());
    await scheduleStore.load();
    const timer = new BullScheduleTimer(store, (error) => errorLogger(error));
    undo.push(() => timer.close());
    const scheduler = new Scheduler({ engine, store: scheduleStore, timer: () => timer });
    await scheduleStore.listen((id, record) => scheduler.applyRemote(id, record));
    const ui: NodeHandler | undefined = options.uiDir === null ? undefined : await loadUiHandler(options.uiDir ?? undefined, () => undefined);
    const access = accessControlOf(options, host, limits, accessStore);
    const metrics = new TaskMetrics(engine);
    const stats = new StatsRollups(engine, new MemoryRollupStore());
    undo.push(() => stats.close());
    const app = buildServer(engine, { ...serverOptionsOf(options, limits, ui, jobs), access, metrics, stats, scheduler });
    undo.push(() => app.close());
    const { onReport, syncSchedules } = followJobsFile(app, jobs, scheduler);
    jobsLogger = onReport;
    errorLogger = (error) => app.log.warn({ err: error }, 'cluster worker: Redis write failed, retrying');
    await engine.start();
    await app.listen({ host, port });
    await worker?.start();
    scheduler.start();
    timer.startFiring(async (id) => {
      if (!scheduler.get(id)) scheduler.applyRemote(id, await scheduleStore.refresh(id)); // created elsewhere a moment ago
      await scheduler.fireDue(id);
    });
    syncSchedules();
    jobs?.watch();
    app.log.info({ redis: redisUrlForLogs(redisUrl), workers: worker ? (options.concurrency ?? 8) : 0 }, 'cluster node started');
    return runningMonitor({
      app, engine, scheduler, access, jobs, ui, host, port, relisten,
      close: async () => {
        await jobs?.close();
        scheduler.stop();
        await timer.close();
        await scheduleStore.close();
        await worker?.stop({ graceMs: options.graceMs ?? 10_000 });
        await app.close();
        await engine.stop();
        stats.close();
        await store.close();
      },
    });
  } catch (error) {
    await unwind();
    if (error instanceof AccessStoreError) throw new LaunchError(error.code, error.message, { cause: error });
    throw explainListenError(error, host, port);
  }
}

/** Fails the start with a clear message when Redis cannot be reached (rather than waiting forever). */
async function waitForRedis(store: ClusterStore, url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await Promise.race([store.redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000))]);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new LaunchError('ERR_REDIS_UNREACHABLE', `Cannot reach Redis at ${redisUrlForLogs(url)}: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
