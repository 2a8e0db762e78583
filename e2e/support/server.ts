/** The real server (engine + API + built UI) started in-process for the browser tests. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTaskMonitor, type RunningTaskMonitor } from '../../src-engine/launcher/start-task-monitor.js';

/** The built UI (adapter-node output) the server mounts; E2E_UI_DIR points at another build. */
export const UI_DIR = process.env['E2E_UI_DIR'] ?? fileURLToPath(new URL('../../out/renderer', import.meta.url));

/** Starts the server on 127.0.0.1 (a free port unless one is given), serving the built UI, with the given jobs file (else none). */
export async function startServer(options: { port?: number; concurrency?: number; dataDir?: string; jobs?: string } = {}): Promise<RunningTaskMonitor> {
  if (!existsSync(`${UI_DIR}/handler.js`)) {
    throw new Error(`The UI is not built (${UI_DIR}/handler.js is missing): run \`npm run build:ui\` before the e2e tests`);
  }
  const monitor = await startTaskMonitor({
    host: '127.0.0.1',
    port: options.port ?? 0,
    concurrency: options.concurrency ?? 4,
    uiDir: UI_DIR,
    logLevel: 'silent',
    graceMs: 200,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    // A jobs file (docs/jobs.md) when given; never the developer's DATA_DIR/jobs.json otherwise.
    jobs: options.jobs ?? null,
  });
  if (!monitor.servesUi) throw new Error('The server did not mount the UI');
  return monitor;
}
