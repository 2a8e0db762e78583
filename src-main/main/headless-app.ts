import { app } from 'electron';
import type { LaunchConfig } from '../../src-engine/launcher/launch-config.js';
import { startTaskMonitor, type RunningTaskMonitor, type TaskMonitorOptions } from '../../src-engine/launcher/start-task-monitor.js';
import { announcePairing } from '../../src-engine/server/access/pairing-announcer.js';
import type { ListenOptions } from './port-choice.js';
import { QuitFlow } from './quit-flow.js';
import { ServerController } from './server-controller.js';

/**
 * `--headless` under Electron: the same server as `task-monitor --headless` under Node, same
 * flags and exit codes (1 when it cannot listen), with no window, tray, Dock icon or
 * single-instance lock (several headless servers on different ports are fine).
 */
export async function runHeadless(config: LaunchConfig, context: { uiDir: string; version: string }): Promise<void> {
  app.dock?.hide();
  // Nothing is drawn; do not start a GPU process for it.
  app.disableHardwareAcceleration();
  const server = new ServerController<TaskMonitorOptions & ListenOptions, RunningTaskMonitor>({
    start: startTaskMonitor,
    options: { ...config, uiDir: context.uiDir, version: context.version },
    portFallback: false,
  });
  try {
    await server.start();
  } catch (error) {
    process.stderr.write(`task-monitor: ${(error as Error).message}\n`);
    app.exit(1);
    return;
  }
  const monitor = server.current();
  // As the Node launcher (src-engine/launcher/cli.ts): a log line, then the one line a person
  // needs on stdout whatever the log level, then how to pair a device on the LAN (again after
  // each pairing) and where the API token is.
  monitor.app.log.info({ url: monitor.url, ui: monitor.servesUi, concurrency: config.concurrency }, 'server started');
  process.stdout.write(`Background Task Monitor listening on ${monitor.url}\n`);
  announcePairing(monitor);

  const quit = new QuitFlow({
    prompt: () => null, // nobody to ask: a signal means stop
    confirm: async () => true,
    shutdown: () => server.stop(),
    finish: () => app.quit(),
    onError: (error) => monitor.app.log.error({ err: error }, 'shutdown failed'),
  });
  app.on('before-quit', (event) => void quit.onBeforeQuit(event));
  // As the Node launcher: the first signal shuts down gracefully, a second one exits now.
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) app.exit(130);
    signalled = true;
    monitor.app.log.info({ signal }, 'shutting down: finishing running tasks');
    app.quit();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
