import { Menu, nativeImage, Tray, type NativeImage } from 'electron';
import { readFileSync } from 'node:fs';
import type { TaskCounts } from '../../src-engine/engine/task-record.js';
import { trayLabel } from './tray-label.js';

/** The tray icon files: a template pair for the macOS menu bar, a colour pair elsewhere. */
export interface TrayIcons {
  readonly template: string;
  readonly template2x: string;
  readonly colour: string;
  readonly colour2x: string;
}

/** The tray: counts in the tooltip and menu, Show and Quit. */
export interface TaskTray {
  /** Refreshes tooltip and menu from the counts. */
  update(counts: Pick<TaskCounts, 'running' | 'queued'>): void;
  destroy(): void;
}

function trayImage(icons: TrayIcons, platform: NodeJS.Platform): NativeImage {
  const mac = platform === 'darwin';
  const image = nativeImage.createFromPath(mac ? icons.template : icons.colour);
  try {
    image.addRepresentation({ scaleFactor: 2, buffer: readFileSync(mac ? icons.template2x : icons.colour2x) });
  } catch {
    // The 1x image alone still works.
  }
  // A template image is drawn by macOS in the menu bar's colour (dark or light mode).
  if (mac) image.setTemplateImage(true);
  return image;
}

/** Creates the tray icon. */
export function createTaskTray(options: {
  appName: string;
  icons: TrayIcons;
  platform: NodeJS.Platform;
  onShow(): void;
  onQuit(): void;
}): TaskTray {
  const tray = new Tray(trayImage(options.icons, options.platform));
  // On Windows and Linux a click on the icon is the usual way back to the window; macOS opens
  // the menu on click by itself.
  if (options.platform !== 'darwin') tray.on('click', () => options.onShow());
  let last = '';
  const update = (counts: Pick<TaskCounts, 'running' | 'queued'>): void => {
    const label = trayLabel(options.appName, counts);
    // Rebuilding a menu is not free and some Linux trays flicker: only when something changed.
    if (label.tooltip === last) return;
    last = label.tooltip;
    tray.setToolTip(label.tooltip);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        ...label.statusLines.map((line) => ({ label: line, enabled: false })),
        { type: 'separator' },
        { label: `Show ${options.appName}`, click: () => options.onShow() },
        { type: 'separator' },
        { label: 'Quit', click: () => options.onQuit() },
      ]),
    );
  };
  update({ running: 0, queued: 0 });
  return { update, destroy: () => tray.destroy() };
}
