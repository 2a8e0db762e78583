import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { TaskEngine } from '../engine/task-engine.js';
import type { TaskService } from '../engine/task-service.js';
import { startClusterNode } from './start-cluster-node.js';
import { accessControlOf, followJobsFile, runningMonitor, serverOptionsOf } from './node-parts.js';
import { TaskMetrics } from '../metrics/task-metrics.js';
import { MemoryRollupStore, SqliteRollupStore } from '../metrics/rollup-store.js';
import { StatsRollups } from '../metrics/stats-rollups.js';
import { SqliteTaskStore } from '../store/sqlite-task-store.js';
import { describeStoreError } from '../store/store-error.js';
import { SqliteScheduleStore } from '../store/sqlite-schedule-store.js';
import { MemoryScheduleStore } from '../schedules/schedule-record.js';
import { Scheduler } from '../schedules/scheduler.js';
import { SqliteQueueControlStore } from '../queue/queue-control-store.js';
import { MemoryTaskStore, type TaskStore } from '../store/task-store.js';
import { SqliteTaskLogStore } from '../store/sqlite-task-log-store.js';
import { JobCatalog } from '../jobs/jobs-catalog.js';
import { existsSync } from 'node:fs';
import { LaunchError } from './launch-error.js';
import { DATABASE_FILE } from './data-dir.js';
import { buildServer, type LogLevel, type NodeHandler } from '../server/build-server.js';
import type { AccessControl } from '../server/access/access-control.js';
import type { ServerLimits } from '../server/access/server-limits.js';
import { explainListenError } from './launch-error.js';
import type { JobsReport } from '../jobs/jobs-catalog.js';
import { loadUiHandler } from './ui-handler.js';

/** Options of {@link startTaskMonitor}; the defaults match the launcher's. */
export interface TaskMonitorOptions {
  host?: string;
  /** 0 picks a free port. Default 5000. */
  port?: number;
  concurrency?: number;
  /** Tasks that may wait in the queue. Default 1000. */
  queueCapacity?: number;
  allowOrigins?: readonly string[];
  logLevel?: LogLevel;
  /** Where log lines go (pino JSON lines); default stdout. */
  logStream?: NodeJS.WritableStream;
  /** Time running tasks get to finish at shutdown. Default 10 s. */
  graceMs?: number;
  /** Built UI folder (adapter-node output); `null` serves the API only. Default: out/renderer. */
  uiDir?: string | null;
  version?: string;
  /** Keep-alive ping interval in ms. */
  keepAliveMs?: number;
  /** Messages kept per session for a reconnecting client's replay. */
  replayFrames?: number;
  /**
   * Folder of the task database (created if missing). Without it, or with `inMemory`, nothing
   * is kept on disk.
   */
  dataDir?: string;
  /** Keep tasks in memory only, even when a data folder is given. */
  inMemory?: boolean;
  /** Extra names the server may be reached by (Host header allowlist, `--allow-host`). */
  allowHosts?: readonly string[];
  /** The API token (`--token`); default: `token` in the data folder, created at first start. */
  token?: string;
  /** Resource limits; see docs/security.md. */
  limits?: Partial<ServerLimits>;
  /** Open WebSockets at most (`--max-connections`); wins over `limits.maxConnections`. */
  maxConnections?: number;
  /** Largest WebSocket message, in bytes. Default 4 KiB. */
  maxMessageBytes?: number;
  /** `GET /metrics` without pairing or token (`--metrics-public`). */
  metricsPublic?: boolean;
  /**
   * The owner's jobs file (`--jobs`); default `DATA_DIR/jobs.json` when it exists; `null`: none.
   * A bad file fails the start (LaunchError ERR_JOBS_FILE); later edits are watched.
   */
  jobs?: string | null;
  /** Distributed mode: the cluster's Redis (`--redis`); see docs/scale-out.md. */
  redis?: string;
  /** With `redis`: serve only, run no tasks here (`--no-workers`). */
  noWorkers?: boolean;
  /** With `redis`: prefix of every key, so clusters can share a Redis. Default `tm`. */
  redisPrefix?: string;
  /** With `redis`: BullMQ's job lock, so how soon a dead worker's task runs again. Default 10 s. */
  lockDurationMs?: number;
}

/** A running engine + server. */
export interface RunningTaskMonitor {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly engine: TaskService;
  /** Recurring schedules (docs/schedules.md); `syncFromFile` takes the jobs file's declarations. */
  readonly scheduler: Scheduler;
  readonly app: FastifyInstance;
  /** True when the UI is served; false when only the API is (UI not built). */
  readonly servesUi: boolean;
  /** The access policy: pairing codes (`access.pairing`), paired devices (`access.devices`). */
  readonly access: AccessControl;
  /** The owner's jobs, when a jobs file is in use. */
  readonly jobs: JobCatalog | undefined;
  /**
   * Listens on another address, same port, without stopping anything: open connections and
   * sockets stay up and tasks keep running (the desktop app's "Share on LAN"). Rejects with a
   * LaunchError, still listening on the old address, when the new one cannot be used.
   */
  rebind(host: string): Promise<void>;
  /**
   * Graceful shutdown: refuse new tasks, let running ones finish within the grace period (then
   * cancel them), close every socket with 1001 and a reason, stop listening.
   */
  close(): Promise<void>;
}

/**
 * Starts the engine and the server and listens. Used by the Node launcher, the desktop app and
 * the tests alike, so all three run the same code. Rejects with a LaunchError when the address
 * cannot be used.
 */
export async function startTaskMonitor(options: TaskMonitorOptions = {}): Promise<RunningTaskMonitor> {
  if (options.redis) return startClusterNode(options, options.redis);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 5000;
  // Opened, locked, checked and read before anything is served (a damaged file throws here).
  const store: TaskStore = options.dataDir && !options.inMemory ? SqliteTaskStore.open(join(options.dataDir, DATABASE_FILE)) : new MemoryTaskStore();
  let storeErrorLogger: (error: unknown) => void = () => undefined;
  try {
    return await startOn(store, options, host, port, (logger) => (storeErrorLogger = logger), (error) => storeErrorLogger(error));
  } catch (error) {
    await store.close(); // no path leaves the database (or its lock) held
    throw error;
  }
}

async function startOn(
  store: TaskStore,
  options: TaskMonitorOptions,
  host: string,
  port: number,
  setStoreErrorLogger: (logger: (error: unknown) => void) => void,
  onStoreError: (error: unknown) => void,
): Promise<RunningTaskMonitor> {
  const limits: Partial<ServerLimits> = { ...options.limits, ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }) };
  const engine = new TaskEngine({
    concurrency: options.concurrency ?? 8,
    capacity: options.queueCapacity ?? 1000,
    store,
    ...(store instanceof SqliteTaskStore ? { logs: new SqliteTaskLogStore(store) } : {}),
    onStoreError,
    ...(store instanceof SqliteTaskStore ? { queueControlStore: new SqliteQueueControlStore(store.connection) } : {}),
  });
  const metrics = new TaskMetrics(engine);
  if (store instanceof SqliteTaskStore) store.onCommit = (ms) => metrics.observeCommit(ms);
  let jobsLogger: (report: JobsReport) => void = () => undefined;
  const jobs = await openJobs(engine, options, (report) => jobsLogger(report));
  let uiErrorLogger: (error: unknown) => void = () => undefined;
  const ui: NodeHandler | undefined = options.uiDir === null ? undefined : await loadUiHandler(options.uiDir ?? undefined, (error) => uiErrorLogger(error));
  const scheduler = new Scheduler({ engine, store: store instanceof SqliteTaskStore ? new SqliteScheduleStore(store.connection) : new MemoryScheduleStore() });
  const stats = new StatsRollups(engine, store instanceof SqliteTaskStore ? new SqliteRollupStore(store.connection) : new MemoryRollupStore(), {
    onError: (error) => onStoreError(error),
  });
  const access = accessControlOf(options, host, limits);
  const app = buildServer(engine, { ...serverOptionsOf(options, limits, ui, jobs), access, metrics, stats, scheduler });
  // Schedules declared in the jobs file follow it: at start, and after every edit that applies.
  const { onReport, syncSchedules } = followJobsFile(app, jobs, scheduler);
  jobsLogger = onReport;
  uiErrorLogger = (error) => app.log.warn({ err: error }, 'could not read a UI file');
  setStoreErrorLogger((error) => app.log.error({ err: error, cause: describeStoreError(error) }, `task database write failed: ${describeStoreError(error)}`));
  if (store instanceof SqliteTaskStore) logWriteHealth(store, app);
  try {
    await app.listen({ host, port });
  } catch (error) {
    await app.close();
    await jobs?.close();
    stats.close();
    throw explainListenError(error, host, port);
  }
  engine.start();
  if (jobs) app.log.info({ jobsFile: jobs.file, jobs: jobs.jobs.map((job) => job.id) }, 'jobs loaded');
  jobs?.watch();
  scheduler.start();
  syncSchedules(); // after start: the stored schedules are loaded, so file ones update rather than duplicate
  if (!ui && options.uiDir !== null) app.log.warn('The UI is not built (npm run build:ui): serving the API only');
  return runningMonitor({
    app, engine, scheduler, access, jobs, ui, host, port, relisten,
    close: async () => {
      await jobs?.close();
      scheduler.stop();
      await engine.stop({ graceMs: options.graceMs ?? 10_000 });
      await app.close();
      stats.close(); // after the last task event: the final minutes are written
      await store.close();
    },
  });
}

/** Logs each change of the store's health: failing (with the real cause), then writing again. */
function logWriteHealth(store: SqliteTaskStore, app: FastifyInstance): void {
  store.health.subscribe(({ failure, error, held, retryInMs }) => {
    if (failure === undefined) app.log.warn({ held }, 'task database writes succeed again: held changes written and announced, new tasks accepted');
    else {
      app.log.error(
        { err: error, cause: failure, held, retryInMs },
        `task database writes fail: ${failure}. New tasks are refused (503 STORAGE_FAILED); ${held} change(s) held in memory and retried until they can be written`,
      );
    }
  });
}

/**
 * Moves the listening socket of a running server to another address. Closing the listener stops
 * only new connections; established ones (and their WebSockets) are untouched, and the same
 * http.Server listens again at once.
 */
export async function relisten(app: FastifyInstance, fromHost: string, toHost: string, port: number): Promise<void> {
  const listen = (host: string) =>
    new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      app.server.once('error', onError);
      app.server.listen({ host, port }, () => {
        app.server.off('error', onError);
        resolve();
      });
    });
  app.server.close();
  try {
    await listen(toHost);
  } catch (error) {
    await listen(fromHost);
    throw explainListenError(error, toHost, port);
  }
}

/** The jobs file in use: `jobs`, else `DATA_DIR/jobs.json` when it exists. Loaded before the engine starts. */
export async function openJobs(engine: TaskService, options: TaskMonitorOptions, onReport: (report: JobsReport) => void): Promise<JobCatalog | undefined> {
  let file = options.jobs ?? undefined;
  if (options.jobs === undefined && options.dataDir) {
    const candidate = join(options.dataDir, JOBS_FILE);
    if (existsSync(candidate)) file = candidate;
  }
  if (!file) return undefined;
  const catalog = new JobCatalog(engine, file, { onReport });
  const outcome = await catalog.load();
  if (!outcome.ok) throw new LaunchError('ERR_JOBS_FILE', outcome.message);
  return catalog;
}

/** The jobs file looked for in the data folder when none is given. */
export const JOBS_FILE = 'jobs.json';
