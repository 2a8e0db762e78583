import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { versionArgument } from '../shared/ipc-contract.js';
import type { WindowBounds } from './window-state.js';

/**
 * The web preferences of every window of the app (the main one and any same-origin window the
 * page opens). Each line is an item of Electron's security checklist; several restate a
 * default, on purpose, so that a changed default or a careless edit shows up in review and in
 * the test that pins this object.
 */
export function secureWebPreferences(preloadPath: string, version: string): WebPreferences {
  return {
    preload: preloadPath,
    // Checklist 3: the preload and Electron's internals run in a world the page cannot touch.
    contextIsolation: true,
    // Checklist 4: the renderer runs in Chromium's OS sandbox; the preload gets no Node.
    sandbox: true,
    // Checklist 2: no Node.js in the page, its workers or its frames.
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    // Checklist 6 and 8: same-origin policy stays on, no http content in an https page.
    webSecurity: true,
    allowRunningInsecureContent: false,
    // Checklist 9 and 10: no experimental or extra Blink features.
    experimentalFeatures: false,
    // Checklist 11 and 12: no <webview> at all.
    webviewTag: false,
    // A file dropped on the window must not navigate it away from the app.
    navigateOnDragDrop: false,
    // A page looping on alert() gets a "prevent more dialogs" checkbox.
    safeDialogs: true,
    // The only way to hand the sandboxed preload data without IPC: appended to its process.argv.
    additionalArguments: [versionArgument(version)],
  };
}

/** Everything the main window is created with. */
export interface MainWindowSettings {
  readonly bounds: WindowBounds;
  readonly preloadPath: string;
  readonly version: string;
  readonly title: string;
  /** Window icon (Linux and Windows; macOS takes the bundle's). */
  readonly iconPath?: string;
  /** Whether the OS is in dark mode (`nativeTheme.shouldUseDarkColors`). */
  readonly dark: boolean;
}

/** The UI's page background (`--bg` in src-renderer/src/app.css), light and dark. */
export const PAGE_BACKGROUND = { light: '#f4f6f9', dark: '#0e1217' } as const;

/** Smallest useful window: the task list and form side by side still fit. */
export const MIN_WINDOW_SIZE = { width: 640, height: 480 } as const;

/** Options of the main window. */
export function mainWindowOptions(settings: MainWindowSettings): BrowserWindowConstructorOptions {
  const { bounds } = settings;
  return {
    title: settings.title,
    ...(bounds.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : { center: true }),
    width: bounds.width,
    height: bounds.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    // Shown on 'ready-to-show', so the first paint is the page rather than a blank frame.
    show: false,
    // The page's own background, so a resize or a slow first paint never flashes another colour.
    backgroundColor: settings.dark ? PAGE_BACKGROUND.dark : PAGE_BACKGROUND.light,
    ...(settings.iconPath ? { icon: settings.iconPath } : {}),
    webPreferences: secureWebPreferences(settings.preloadPath, settings.version),
  };
}
