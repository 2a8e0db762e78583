import { helpText, parseLaunchConfig, type LogFormat } from './launch-config.js';
import { currentPairingUrls } from '../server/access/pairing-announcer.js';
import { prettyLogStream } from './pretty-log.js';
import { startupBanner } from './startup-banner.js';
import { StoreError } from '../store/sqlite-task-store.js';
import { announcePairing } from '../server/access/pairing-announcer.js';
import { LaunchError } from './launch-error.js';
import { installProcessGuard } from './process-guard.js';
import { startTaskMonitor, type RunningTaskMonitor } from './start-task-monitor.js';
import { packageVersion } from './version.js';
import { runWorkerCommand, WORKER_HELP } from './worker-command.js';
import { runStoreCommand, STORE_COMMANDS, STORE_COMMANDS_HELP } from './store-commands.js';

/**
 * `task-monitor --headless`: the engine and server under plain Node. Exit codes: 0 after a
 * clean shutdown, 1 when the server cannot start, 2 for bad flags.
 */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  if ((STORE_COMMANDS as readonly string[]).includes(argv[0] ?? '')) return runStoreCommand(argv, env);
  if (argv[0] === 'worker') return runWorkerCommand(argv.slice(1), env);
  const parsed = parseLaunchConfig(argv, env);
  if (!parsed.ok) {
    process.stderr.write(`task-monitor: ${parsed.message}\n\n${helpText()}\n`);
    return 2;
  }
  const { config } = parsed;
  if (config.showHelp) {
    process.stdout.write(`${helpText()}\n\n${STORE_COMMANDS_HELP}\n\n${WORKER_HELP}\n`);
    return 0;
  }
  if (config.showVersion) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  // People on a terminal get readable lines; pipes, files and journals get JSON. In JSON mode the
  // lines meant for people (start block, pairing link) go to stderr, so stdout stays pure JSON.
  const format: LogFormat = config.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const human: NodeJS.WritableStream & { isTTY?: boolean } = format === 'pretty' ? process.stdout : process.stderr;
  const logStream = format === 'pretty' ? prettyLogStream(process.stdout, { color: process.stdout.isTTY === true && !process.env['NO_COLOR'] }) : undefined;
  let monitor: RunningTaskMonitor;
  try {
    monitor = await startTaskMonitor({ ...config, ...(logStream ? { logStream } : {}) });
  } catch (error) {
    if (error instanceof LaunchError || error instanceof StoreError) {
      process.stderr.write(`task-monitor: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const dataDir = config.inMemory ? undefined : config.dataDir;
  if (format === 'json') monitor.app.log.info({ url: monitor.url, ui: monitor.servesUi, concurrency: config.concurrency, dataDir: dataDir ?? null }, 'server started');
  // Always said, whatever the log level: the few lines a person needs to get going.
  const banner = startupBanner({
    version: packageVersion(),
    url: monitor.url,
    dataDir,
    tokenFile: monitor.access.tokenFile,
    lanReachable: currentPairingUrls(monitor).length > 0,
    ...(monitor.jobs ? { jobsLoaded: monitor.jobs.jobs.length } : {}),
  });
  human.write(`${banner}\n`);
  announcePairing(monitor, human); // the pairing URL (LAN) and where the API token is; again after each pairing
  shutDownOnSignals(monitor, config.graceMs);
  // An error nobody handled: survived if it concerns one connection or file, else a clean stop (exit 1).
  installProcessGuard({
    log: (level, message, error) => monitor.app.log[level]({ err: error }, message),
    shutdown: () => monitor.close(),
  });
  return undefined; // keep running
}

/** SIGINT/SIGTERM shut down gracefully; a second signal exits at once. */
function shutDownOnSignals(monitor: RunningTaskMonitor, graceMs: number): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      monitor.app.log.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    signalled = true;
    const running = monitor.engine.counts().running;
    monitor.app.log.info({ signal }, `stopping… (${running} task${running === 1 ? '' : 's'} running, grace ${graceMs / 1000}s)`);
    monitor.close().then(
      () => {
        monitor.app.log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        monitor.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
