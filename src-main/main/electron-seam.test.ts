// The two modules that are thin wrappers around Electron classes, against a double of the
// `electron` module: the tray and the notifier.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../../src-engine/engine/engine-events.js';

const electron = vi.hoisted(() => {
  class FakeTray {
    static last: FakeTray | undefined;
    tooltip = '';
    menu: { label?: string; enabled?: boolean; type?: string; click?: () => void }[] = [];
    menuBuilds = 0;
    handlers = new Map<string, () => void>();
    destroyed = false;
    constructor(readonly image: unknown) {
      FakeTray.last = this;
    }
    setToolTip(text: string) {
      this.tooltip = text;
    }
    setContextMenu(menu: { items: FakeTray['menu'] }) {
      this.menu = menu.items;
      this.menuBuilds++;
    }
    on(event: string, handler: () => void) {
      this.handlers.set(event, handler);
    }
    destroy() {
      this.destroyed = true;
    }
  }
  class FakeNotification {
    static shown: FakeNotification[] = [];
    static supported = true;
    handlers = new Map<string, () => void>();
    constructor(readonly options: { title: string; body: string }) {}
    static isSupported() {
      return FakeNotification.supported;
    }
    on(event: string, handler: () => void) {
      this.handlers.set(event, handler);
    }
    show() {
      FakeNotification.shown.push(this);
    }
  }
  const image = { addRepresentation: vi.fn(), setTemplateImage: vi.fn() };
  return { FakeTray, FakeNotification, image };
});

vi.mock('electron', () => ({
  Tray: electron.FakeTray,
  Notification: electron.FakeNotification,
  Menu: { buildFromTemplate: (items: unknown[]) => ({ items }) },
  nativeImage: { createFromPath: vi.fn(() => electron.image) },
}));

const { createTaskTray } = await import('./task-tray.js');
const { createDesktopNotifier } = await import('./desktop-notifier.js');

const icons = { template: '/t.png', template2x: '/t@2x.png', colour: '/c.png', colour2x: '/c@2x.png' };

describe('task tray', () => {
  beforeEach(() => {
    electron.image.setTemplateImage.mockClear();
  });

  it('shows the counts in the tooltip and the menu, with Show and Quit', () => {
    const onShow = vi.fn();
    const onQuit = vi.fn();
    const tray = createTaskTray({ appName: 'Background Task Monitor', icons, platform: 'linux', onShow, onQuit });
    tray.update({ running: 2, queued: 5 });
    const fake = electron.FakeTray.last!;
    expect(fake.tooltip).toBe('Background Task Monitor: 2 running, 5 queued');
    expect(fake.menu.map((item) => item.label ?? item.type)).toEqual(['Running: 2', 'Queued: 5', 'separator', 'Show Background Task Monitor', 'separator', 'Quit']);
    expect(fake.menu.slice(0, 2).every((item) => item.enabled === false)).toBe(true);
    fake.menu.find((item) => item.label === 'Quit')!.click!();
    expect(onQuit).toHaveBeenCalled();
    fake.handlers.get('click')!();
    expect(onShow).toHaveBeenCalled();
  });

  it('rebuilds the menu only when the counts change', () => {
    const tray = createTaskTray({ appName: 'A', icons, platform: 'win32', onShow() {}, onQuit() {} });
    const fake = electron.FakeTray.last!;
    const builds = fake.menuBuilds;
    tray.update({ running: 0, queued: 0 });
    expect(fake.menuBuilds).toBe(builds);
    tray.update({ running: 1, queued: 0 });
    expect(fake.menuBuilds).toBe(builds + 1);
  });

  it('uses a template image in the macOS menu bar, and no click handler there', () => {
    createTaskTray({ appName: 'A', icons, platform: 'darwin', onShow() {}, onQuit() {} });
    expect(electron.image.setTemplateImage).toHaveBeenCalledWith(true);
    expect(electron.FakeTray.last!.handlers.has('click')).toBe(false);
  });
});

describe('desktop notifier', () => {
  const completed = { type: 'taskUpdated', stateChanged: true, task: { id: 't1', name: 'Export', state: 'completed', result: null, error: null } } as unknown as EngineEvent;

  beforeEach(() => {
    electron.FakeNotification.shown = [];
    electron.FakeNotification.supported = true;
  });

  it('notifies when a task completes behind the user’s back, and a click shows the window', () => {
    const onClick = vi.fn();
    createDesktopNotifier({ isWindowFocused: () => false, onClick })(completed);
    expect(electron.FakeNotification.shown.map((n) => n.options)).toEqual([{ title: 'Task completed', body: 'Export' }]);
    electron.FakeNotification.shown[0]!.handlers.get('click')!();
    expect(onClick).toHaveBeenCalled();
  });

  it('stays quiet while the window is focused', () => {
    createDesktopNotifier({ isWindowFocused: () => true, onClick() {} })(completed);
    expect(electron.FakeNotification.shown).toEqual([]);
  });

  it('stays quiet where the OS has no notifications', () => {
    electron.FakeNotification.supported = false;
    createDesktopNotifier({ isWindowFocused: () => false, onClick() {} })(completed);
    expect(electron.FakeNotification.shown).toEqual([]);
  });
});
