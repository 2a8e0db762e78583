import { join } from 'node:path';

/**
 * Where the built UI is: `out/renderer` under the app path, which is the project folder when
 * run unpackaged (`electron .`) and `resources/app.asar` when packaged. Electron reads files
 * inside the asar archive transparently, including the UI's ES modules.
 */
export function uiDirFor(appPath: string): string {
  return join(appPath, 'out', 'renderer');
}

/** The preload next to the main bundle: out/main/index.js → out/preload/index.cjs. */
export function preloadPathFor(mainDir: string): string {
  return join(mainDir, '..', 'preload', 'index.cjs');
}

/** Files kept in userData. */
export function userDataFiles(userData: string): { windowState: string; settings: string } {
  return { windowState: join(userData, 'window-state.json'), settings: join(userData, 'settings.json') };
}
