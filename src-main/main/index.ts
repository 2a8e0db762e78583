// Entry of the Electron main process: decides what this launch is (print help or version, run
// headless, or run the desktop app) and hands over. Everything else lives in small modules.
import { app } from 'electron';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preloadPathFor, uiDirFor } from './app-paths.js';
import { runDesktop } from './desktop-app.js';
import { runHeadless } from './headless-app.js';
import { planLaunch } from './launch-mode.js';

const version = app.getVersion();
const plan = planLaunch(process.argv, process.env, { isDefaultApp: process.defaultApp === true, version });
const uiDir = uiDirFor(app.getAppPath());

if (plan.kind !== 'print' && plan.ignored.length > 0) {
  // Chromium's own switches end up here too; worth a line when debugging a launch.
  console.info(`[launch] not task-monitor flags, left to Electron/Chromium: ${plan.ignored.join(' ')}`);
}

const crash = (error: unknown): void => {
  console.error(error);
  app.exit(1);
};

switch (plan.kind) {
  case 'print':
    (plan.stream === 'stdout' ? process.stdout : process.stderr).write(plan.text, () => app.exit(plan.exitCode));
    break;
  case 'headless':
    runHeadless(plan.config, { uiDir, version }).catch(crash);
    break;
  case 'window':
    runDesktop(plan.config, { uiDir, version, preloadPath: preloadPathFor(dirname(fileURLToPath(import.meta.url))) }).catch(crash);
    break;
}
