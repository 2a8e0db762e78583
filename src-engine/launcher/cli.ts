import { helpText, parseLaunchConfig } from './launch-config.js';
import { StoreError } from '../store/sqlite-task-store.js';
import { announcePairing } from '../server/access/pairing-announcer.js';
import { LaunchError } from './launch-error.js';
import { installProcessGuard } from './process-guard.js';
import { startTaskMonitor, type RunningTaskMonitor } from './start-task-monitor.js';
import { packageVersion } from './version.js';
import { runStoreCommand, STORE_COMMANDS, STORE_COMMANDS_HELP } from './store-commands.js';

/**
 * `task-monitor --headless`: the engine and server under plain Node. Exit codes: 0 after a
 * clean shutdown, 1 when the server cannot start, 2 for bad flags.
 */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  if ((STORE_COMMANDS as readonly string[]).includes(argv[0] ?? '')) return runStoreCommand(argv, env);
  const parsed = parseLaunchConfig(argv, env);
  if (!parsed.ok) {
    process.stderr.write(`task-monitor: ${parsed.message}\n\n${helpText()}\n`);
    return 2;
  }
  const { config } = parsed;
  if (config.showHelp) {
    process.stdout.write(`${helpText()}\n\n${STORE_COMMANDS_HELP}\n`);
    return 0;
  }
  if (config.showVersion) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  let monitor: RunningTaskMonitor;
  try {
    monitor = await startTaskMonitor(config);
  } catch (error) {
    if (error instanceof LaunchError || error instanceof StoreError) {
      process.stderr.write(`task-monitor: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  monitor.app.log.info({ url: monitor.url, ui: monitor.servesUi, concurrency: config.concurrency }, 'server started');
  // Always said, whatever the log level: it is the one line a person needs to get going.
  process.stdout.write(`Background Task Monitor listening on ${monitor.url}\n`);
  announcePairing(monitor); // the pairing URL (LAN) and where the API token is; again after each pairing
  shutDownOnSignals(monitor);
  // An error nobody handled: survived if it concerns one connection or file, else a clean stop (exit 1).
  installProcessGuard({
    log: (level, message, error) => monitor.app.log[level]({ err: error }, message),
    shutdown: () => monitor.close(),
  });
  return undefined; // keep running
}

/** SIGINT/SIGTERM shut down gracefully; a second signal exits at once. */
function shutDownOnSignals(monitor: RunningTaskMonitor): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      monitor.app.log.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    signalled = true;
    monitor.app.log.info({ signal }, 'shutting down: finishing running tasks');
    monitor.close().then(
      () => process.exit(0),
      (error: unknown) => {
        monitor.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
