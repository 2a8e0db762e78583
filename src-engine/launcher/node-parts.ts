import type { FastifyInstance } from 'fastify';
import type { TaskService } from '../engine/task-service.js';
import type { JobCatalog, JobsReport } from '../jobs/jobs-catalog.js';
import type { Scheduler } from '../schedules/scheduler.js';
import { syncJobSchedules } from '../schedules/job-file-schedules.js';
import { createAccessControl, type AccessControl } from '../server/access/access-control.js';
import type { AccessStateStore } from '../server/access/access-state-store.js';
import { resolveLimits } from '../server/access/server-limits.js';
import type { ServerLimits } from '../server/access/server-limits.js';
import type { NodeHandler, ServerOptions } from '../server/build-server.js';
import { packageVersion } from './version.js';
import type { RunningTaskMonitor, TaskMonitorOptions } from './start-task-monitor.js';

/**
 * What a single node and a cluster node build alike: the server's options from the launcher's,
 * the jobs file's log lines and schedules, and the running monitor handed back to the caller.
 */

/** The server options every node takes from the launcher's (the caller adds its own parts). */
export function serverOptionsOf(options: TaskMonitorOptions, limits: Partial<ServerLimits>, ui: NodeHandler | undefined, jobs: JobCatalog | undefined): ServerOptions {
  return {
    metricsPublic: options.metricsPublic ?? false,
    limits,
    ...(options.maxMessageBytes ? { maxMessageBytes: options.maxMessageBytes } : {}),
    logLevel: options.logLevel ?? 'info',
    ...(options.logStream ? { logStream: options.logStream } : {}),
    allowOrigins: options.allowOrigins ?? [],
    version: options.version ?? packageVersion(),
    ...(ui ? { ui } : {}),
    ...(options.keepAliveMs ? { keepAliveMs: options.keepAliveMs } : {}),
    ...(options.replayFrames ? { replayFrames: options.replayFrames } : {}),
    ...(jobs ? { jobs } : {}),
  };
}

/** The access policy every node takes from the launcher's options (a cluster passes its shared store). */
export function accessControlOf(options: TaskMonitorOptions, host: string, limits: Partial<ServerLimits>, accessStore?: AccessStateStore): AccessControl {
  return createAccessControl({
    ...(accessStore ? { accessStore } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    inMemory: options.inMemory ?? false,
    ...(options.token !== undefined ? { token: options.token } : {}),
    allowHosts: options.allowHosts ?? [],
    allowOrigins: options.allowOrigins ?? [],
    listenHost: host,
    limits: resolveLimits(limits),
  });
}

/**
 * Logs each load of the jobs file and keeps its schedules in step with it (at start, call the
 * returned `syncSchedules` once the scheduler has loaded its stored schedules).
 */
export function followJobsFile(app: FastifyInstance, jobs: JobCatalog | undefined, scheduler: Scheduler): { onReport: (report: JobsReport) => void; syncSchedules: () => void } {
  const syncSchedules = (): void => {
    if (!jobs) return;
    for (const problem of syncJobSchedules(scheduler, jobs.jobs)) app.log.error({ jobsFile: jobs.file, job: problem.job }, `schedule of job '${problem.job}' not used: ${problem.message}`);
  };
  const onReport = (report: JobsReport): void => {
    if (report.ok) app.log.info({ jobsFile: jobs?.file }, report.message);
    else app.log.error({ jobsFile: jobs?.file }, report.message);
    if (report.ok) syncSchedules();
  };
  return { onReport, syncSchedules };
}

/** The parts of a started node that {@link runningMonitor} hands back. */
export interface NodeParts {
  app: FastifyInstance;
  engine: TaskService;
  scheduler: Scheduler;
  access: AccessControl;
  jobs: JobCatalog | undefined;
  ui: NodeHandler | undefined;
  host: string;
  /** The port asked for (0: whatever was bound). */
  port: number;
  /** Stops everything the node started, once. */
  close: () => Promise<void>;
  /** Moves the listener to another address (see relisten). */
  relisten: (app: FastifyInstance, fromHost: string, toHost: string, port: number) => Promise<void>;
}

/** A listening node as its callers see it: its URL (after a rebind too), its parts, and one close. */
export function runningMonitor(parts: NodeParts): RunningTaskMonitor {
  const { app, host } = parts;
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : parts.port;
  let closing: Promise<void> | undefined;
  let currentHost = host;
  return {
    get url() {
      return `http://${currentHost.includes(':') ? `[${currentHost}]` : currentHost}:${boundPort}`;
    },
    get host() {
      return currentHost;
    },
    port: boundPort,
    engine: parts.engine,
    scheduler: parts.scheduler,
    app,
    servesUi: parts.ui !== undefined,
    access: parts.access,
    jobs: parts.jobs,
    rebind: async (nextHost) => {
      if (nextHost === currentHost) return;
      await parts.relisten(app, currentHost, nextHost, boundPort);
      // No allowlist change needed: the Host check already accepts every address of this machine.
      currentHost = nextHost;
    },
    close: () => (closing ??= parts.close()),
  };
}
