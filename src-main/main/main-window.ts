import { BrowserWindow, screen } from 'electron';
import { readJsonFile, writeJsonFile } from './json-file.js';
import { fitToDisplays, parseWindowState, type WindowState } from './window-state.js';
import { MIN_WINDOW_SIZE, mainWindowOptions, type MainWindowSettings } from './window-options.js';

/** Saving on every move/resize event would write many times a second while dragging. */
const SAVE_DELAY_MS = 500;

/** Reads window-state.json and fits it to the displays connected now (primary first). */
export async function restoreWindowState(file: string): Promise<WindowState> {
  const primary = screen.getPrimaryDisplay();
  const others = screen.getAllDisplays().filter((display) => display.id !== primary.id);
  return fitToDisplays(
    parseWindowState(await readJsonFile(file)),
    [primary, ...others].map((display) => display.workArea),
    MIN_WINDOW_SIZE,
  );
}

/** Creates the main window at its remembered place and keeps remembering it. */
export function createMainWindow(settings: Omit<MainWindowSettings, 'bounds'> & { state: WindowState; stateFile: string }): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions({ ...settings, bounds: settings.state }));
  window.once('ready-to-show', () => {
    if (settings.state.maximized) window.maximize();
    window.show();
  });
  trackWindowState(window, settings.stateFile);
  return window;
}

function trackWindowState(window: BrowserWindow, file: string): void {
  let timer: NodeJS.Timeout | undefined;
  const capture = (): WindowState => ({ ...window.getNormalBounds(), maximized: window.isMaximized() });
  const save = (state: WindowState): void => {
    writeJsonFile(file, state).catch(() => {
      // Not remembering the window is no reason to disturb the user.
    });
  };
  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!window.isDestroyed()) save(capture());
    }, SAVE_DELAY_MS);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) window.on(event as 'resize', schedule);
  window.on('close', () => {
    clearTimeout(timer);
    save(capture());
  });
}

/** Brings a window to the front, restoring it from the taskbar or tray. */
export function revealWindow(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  if (!window.isVisible()) window.show();
  window.focus();
}
