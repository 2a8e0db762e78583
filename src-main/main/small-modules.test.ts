import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { aboutContent } from './about-box.js';
import { appMenuTemplate } from './app-menu.js';
import { isAppUrl, originOf, windowUrlFor } from './app-origin.js';
import { preloadPathFor, uiDirFor, userDataFiles } from './app-paths.js';
import { mainWindowOptions, PAGE_BACKGROUND } from './window-options.js';

describe('app origin', () => {
  it('browses a wildcard bind through loopback', () => {
    expect(windowUrlFor('0.0.0.0', 5000)).toBe('http://127.0.0.1:5000');
    expect(windowUrlFor('::', 5000)).toBe('http://[::1]:5000');
    expect(windowUrlFor('127.0.0.1', 5001)).toBe('http://127.0.0.1:5001');
    expect(windowUrlFor('::1', 5001)).toBe('http://[::1]:5001');
  });

  it('compares whole origins', () => {
    expect(originOf('http://127.0.0.1:5000/a?b#c')).toBe('http://127.0.0.1:5000');
    expect(originOf('data:text/plain,x')).toBeNull();
    expect(originOf('nonsense')).toBeNull();
    expect(isAppUrl('http://127.0.0.1:5000/x', 'http://127.0.0.1:5000')).toBe(true);
    expect(isAppUrl('https://127.0.0.1:5000/x', 'http://127.0.0.1:5000')).toBe(false);
  });
});

describe('app paths', () => {
  it('finds the UI in the app (project folder or app.asar) and the preload beside main', () => {
    expect(uiDirFor('/opt/app/resources/app.asar')).toBe('/opt/app/resources/app.asar/out/renderer');
    expect(preloadPathFor('/opt/app/resources/app.asar/out/main')).toBe('/opt/app/resources/app.asar/out/preload/index.cjs');
    expect(userDataFiles('/home/me/.config/task-monitor')).toEqual({
      windowState: '/home/me/.config/task-monitor/window-state.json',
      settings: '/home/me/.config/task-monitor/settings.json',
    });
  });
});

describe('main window options', () => {
  it('places a remembered window and waits for the first paint', () => {
    const options = mainWindowOptions({ bounds: { x: 10, y: 20, width: 900, height: 700 }, preloadPath: '/p.cjs', version: '1', title: 'T', dark: true, iconPath: '/i.png' });
    expect(options).toMatchObject({ x: 10, y: 20, width: 900, height: 700, show: false, backgroundColor: PAGE_BACKGROUND.dark, icon: '/i.png', minWidth: 640, minHeight: 480 });
    expect(options).not.toHaveProperty('center');
  });

  it('centres a window without a position', () => {
    const options = mainWindowOptions({ bounds: { width: 900, height: 700 }, preloadPath: '/p.cjs', version: '1', title: 'T', dark: false });
    expect(options).toMatchObject({ center: true, backgroundColor: PAGE_BACKGROUND.light });
    expect(options).not.toHaveProperty('x');
  });
});

describe('about box', () => {
  it('leads with the version', () => {
    const about = aboutContent({
      appName: 'Background Task Monitor',
      version: '0.1.0',
      versions: { electron: '45.5.0', chrome: '140.0', node: '22.20.0' },
      serverUrl: 'http://127.0.0.1:5000',
      lanUrls: ['http://192.168.1.20:5000'],
    });
    expect(about.title).toBe('About Background Task Monitor');
    expect(about.message).toBe('Background Task Monitor 0.1.0');
    expect(about.detail.split('\n')).toEqual([
      'Version 0.1.0',
      '',
      'Electron 45.5.0',
      'Chromium 140.0',
      'Node.js 22.20.0',
      '',
      'Server: http://127.0.0.1:5000',
      'Shared on LAN: http://192.168.1.20:5000',
    ]);
  });
});

describe('application menu', () => {
  const roles = (items: MenuItemConstructorOptions[]): string[] =>
    items.flatMap((item) => [...(item.role ? [item.role] : []), ...(Array.isArray(item.submenu) ? roles(item.submenu) : [])]);

  it('offers developer tools only when unpackaged', () => {
    expect(roles(appMenuTemplate({ appName: 'A', platform: 'linux', isPackaged: true }, { showAbout() {} }))).not.toContain('toggleDevTools');
    expect(roles(appMenuTemplate({ appName: 'A', platform: 'linux', isPackaged: false }, { showAbout() {} }))).toContain('toggleDevTools');
  });

  it('has the macOS app menu with About and Quit', () => {
    const [appMenu] = appMenuTemplate({ appName: 'A', platform: 'darwin', isPackaged: true }, { showAbout() {} });
    const items = appMenu!.submenu as MenuItemConstructorOptions[];
    expect(items[0]!.label).toBe('About A');
    expect(roles([appMenu!])).toContain('quit');
  });

  it('calls showAbout from the Help menu elsewhere', () => {
    let shown = 0;
    const menu = appMenuTemplate({ appName: 'A', platform: 'win32', isPackaged: true }, { showAbout: () => void shown++ });
    const help = menu.find((item) => item.label === 'Help')!.submenu as MenuItemConstructorOptions[];
    (help[0]!.click as () => void)();
    expect(shown).toBe(1);
  });
});
