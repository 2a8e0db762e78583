import type { MenuItemConstructorOptions } from 'electron';

/** Actions the application menu triggers. */
export interface MenuActions {
  showAbout(): void;
}

/**
 * The application menu: macOS needs one for Cmd+Q, copy/paste and window commands; elsewhere it
 * is the window's menu bar. Developer tools are offered only when running unpackaged.
 */
export function appMenuTemplate(options: { appName: string; platform: NodeJS.Platform; isPackaged: boolean }, actions: MenuActions): MenuItemConstructorOptions[] {
  const about: MenuItemConstructorOptions = { label: `About ${options.appName}`, click: () => actions.showAbout() };
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload' },
    ...(options.isPackaged ? [] : ([{ role: 'toggleDevTools' }] as MenuItemConstructorOptions[])),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  const edit: MenuItemConstructorOptions = { role: 'editMenu' };
  if (options.platform === 'darwin') {
    return [
      {
        label: options.appName,
        submenu: [about, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
      },
      edit,
      { label: 'View', submenu: view },
      { role: 'windowMenu' },
    ];
  }
  return [
    { label: 'File', submenu: [{ role: 'quit' }] },
    edit,
    { label: 'View', submenu: view },
    { label: 'Help', submenu: [about] },
  ];
}
