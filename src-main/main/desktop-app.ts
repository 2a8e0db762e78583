import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, nativeTheme, Notification, session, shell } from 'electron';
import type { LaunchConfig } from '../../src-engine/launcher/launch-config.js';
import { startTaskMonitor, type RunningTaskMonitor, type TaskMonitorOptions } from '../../src-engine/launcher/start-task-monitor.js';
import { currentPairingUrls } from '../../src-engine/server/access/pairing-announcer.js';
import { pairingQrCode } from '../../src-engine/server/access/pairing-url.js';
import appIconPath from '../../build/icon.png?asset';
import trayColourPath from '../../build/tray/tray.png?asset';
import trayColour2xPath from '../../build/tray/tray@2x.png?asset';
import trayTemplatePath from '../../build/tray/trayTemplate.png?asset';
import trayTemplate2xPath from '../../build/tray/trayTemplate@2x.png?asset';
import { aboutContent } from './about-box.js';
import { appMenuTemplate } from './app-menu.js';
import { userDataFiles } from './app-paths.js';
import { hardenSession, hardenWebContents } from './app-security.js';
import { confirmWithDialog } from './confirm-dialog.js';
import { SettingsStore } from './desktop-settings.js';
import { createDesktopNotifier } from './desktop-notifier.js';
import { pushLanShareState, registerIpcHandlers } from './ipc-handlers.js';
import { bindHostFor } from './lan-addresses.js';
import { LanShareService } from './lan-share-service.js';
import { createMainWindow, restoreWindowState, revealWindow } from './main-window.js';
import { portFallbackNotice, type ListenOptions } from './port-choice.js';
import { quitPrompt } from './quit-confirmation.js';
import { closingWindowQuits, QuitFlow } from './quit-flow.js';
import { ServerController, type ServerAddress } from './server-controller.js';
import { createTaskTray, type TaskTray } from './task-tray.js';
import { secureWebPreferences } from './window-options.js';

const APP_NAME = 'Background Task Monitor';
/** electron-builder.yml `appId`; Windows shows notifications only for an app with this id. */
const APP_USER_MODEL_ID = 'dev.taskmonitor.desktop';

/** Paths and facts the desktop app is started with. */
export interface DesktopContext {
  readonly uiDir: string;
  readonly preloadPath: string;
  readonly version: string;
}

/**
 * The desktop app: one instance per user, the engine and server in this process on loopback,
 * the UI in a locked-down window on the server's origin, a tray with the counts, notifications
 * when tasks end unseen, and a graceful, confirmed quit.
 */
export async function runDesktop(config: LaunchConfig, context: DesktopContext): Promise<void> {
  // A second launch hands over to the first one (which shows its window) and ends.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  // Every renderer sandboxed, whatever a window's options say (checklist 4).
  app.enableSandbox();
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);

  let window: BrowserWindow | undefined;
  let tray: TaskTray | undefined;
  let appOrigin = ''; // nothing is the app's until the server is up
  let quitWithoutAsking = false;

  const showWindow = (): void => {
    if (window && !window.isDestroyed()) revealWindow(window);
    else void openWindow();
  };

  const security = {
    getAppOrigin: () => appOrigin,
    openExternal: (url: string) => void shell.openExternal(url),
    childWindowOptions: () => ({ webPreferences: secureWebPreferences(context.preloadPath, context.version) }),
    onBlocked: (what: string, url: string) => console.warn(`[security] blocked ${what} ${url}`),
  };
  // Before any webContents exists, so none escapes the rules.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, security));
  app.on('second-instance', () => showWindow());

  await app.whenReady();
  hardenSession(session.defaultSession, security);

  const files = userDataFiles(app.getPath('userData'));
  const settings = await SettingsStore.open(files.settings);
  const notices: string[] = [];
  const server = new ServerController<TaskMonitorOptions & ListenOptions, RunningTaskMonitor>({
    start: startTaskMonitor,
    options: { ...config, host: bindHostFor(settings.get().lanShare, config.host), uiDir: context.uiDir, version: context.version },
    portFallback: true,
    onPortFallback: (requested, actual) => notices.push(portFallbackNotice(requested, actual)),
  });
  try {
    appOrigin = (await startServer(server, settings, config.host, notices)).origin;
  } catch (error) {
    dialog.showErrorBox(`${APP_NAME} could not start`, (error as Error).message);
    app.exit(1);
    return;
  }
  const monitor = server.current();
  monitor.app.log.info({ url: monitor.url, ui: monitor.servesUi }, `${APP_NAME} listening on ${monitor.url}`);
  for (const notice of notices) monitor.app.log.warn(notice);

  // "Share on LAN" moves the listener of this one monitor (monitor.rebind): the engine, its
  // running tasks and every open connection carry on, so the monitor is never replaced.
  const lanShare = new LanShareService({
    settings,
    server,
    configuredHost: config.host,
    pairingUrls: () => currentPairingUrls(monitor),
    onPairingChange: (listener) => monitor.access.pairing.onChange(listener),
    qrCode: (url) => pairingQrCode(url, 'png-data-url'),
    onRebound: (address) => {
      const previous = appOrigin;
      appOrigin = address.origin;
      monitor.app.log.info({ url: monitor.url, lanShare: settings.get().lanShare }, `${APP_NAME} now listening on ${monitor.url}`);
      // Only with a specific --host (not loopback) does the window's origin change.
      if (address.origin !== previous && window && !window.isDestroyed()) void window.loadURL(address.windowUrl);
    },
  });
  // A device used the pairing link: the page gets the new one (and its QR code) at once.
  lanShare.watch((state) => {
    if (window && !window.isDestroyed()) pushLanShareState(window.webContents, appOrigin, state);
  });

  const showAbout = async (): Promise<void> => {
    const shared = lanShare.addresses();
    const about = aboutContent({ appName: APP_NAME, version: context.version, versions: process.versions, serverUrl: server.address().windowUrl, lanUrls: shared });
    const options = { type: 'info' as const, title: about.title, message: about.message, detail: about.detail, buttons: ['OK'], icon: appIconPath };
    if (window && !window.isDestroyed()) await dialog.showMessageBox(window, options);
    else await dialog.showMessageBox(options);
  };
  registerIpcHandlers(ipcMain, () => appOrigin, {
    showAbout,
    getLanShare: () => lanShare.state(),
    setLanShare: (enabled) => lanShare.set(enabled),
  });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(appMenuTemplate({ appName: APP_NAME, platform: process.platform, isPackaged: app.isPackaged }, { showAbout: () => void showAbout() })),
  );

  const quit = new QuitFlow({
    prompt: () => (quitWithoutAsking ? null : quitPrompt(server.counts(), config.graceMs, !config.inMemory)),
    confirm: (prompt) => {
      if (window && !window.isDestroyed()) revealWindow(window);
      return confirmWithDialog(prompt, window);
    },
    shutdown: () => server.stop(),
    onStopping: () => {
      // The grace period can take seconds; the user asked to quit, so look gone already.
      if (window && !window.isDestroyed()) window.hide();
      tray?.destroy();
      tray = undefined;
    },
    finish: () => app.quit(),
    onError: (error) => console.error('[quit] shutdown failed', error),
  });
  app.on('before-quit', (event) => void quit.onBeforeQuit(event));
  app.on('window-all-closed', () => {
    if (closingWindowQuits(process.platform)) app.quit();
  });
  app.on('activate', () => showWindow()); // macOS: Dock icon clicked
  // A signal (Ctrl+C in the terminal, a service manager) is not a person who can answer.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      quitWithoutAsking = true;
      app.quit();
    });
  }

  async function openWindow(): Promise<void> {
    const state = await restoreWindowState(files.windowState);
    const created = createMainWindow({
      state,
      stateFile: files.windowState,
      preloadPath: context.preloadPath,
      version: context.version,
      title: APP_NAME,
      iconPath: appIconPath,
      dark: nativeTheme.shouldUseDarkColors,
    });
    window = created;
    created.on('close', (event) => {
      // Quitting goes through the quit flow, which may ask and which stops the engine first;
      // the window closes for good only once that is done.
      if (!quit.done && closingWindowQuits(process.platform)) {
        event.preventDefault();
        app.quit();
      }
    });
    created.on('closed', () => {
      if (window === created) window = undefined;
    });
    await created.loadURL(server.address().windowUrl);
  }

  await openWindow();

  // An image rather than a path: Linux notification daemons cannot read a file inside app.asar,
  // and Electron writes an image out for them.
  const notificationIcon = nativeImage.createFromPath(appIconPath);

  tray = createTaskTray({
    appName: APP_NAME,
    icons: { colour: trayColourPath, colour2x: trayColour2xPath, template: trayTemplatePath, template2x: trayTemplate2xPath },
    platform: process.platform,
    onShow: showWindow,
    onQuit: () => app.quit(),
  });
  let trayTimer: NodeJS.Timeout | undefined;
  server.subscribe((event) => {
    // Counts change on queueing and state changes only, never on progress ticks; a burst of
    // submissions is coalesced into one refresh.
    if (event.type === 'taskUpdated' && !event.stateChanged) return;
    clearTimeout(trayTimer);
    trayTimer = setTimeout(() => tray?.update(server.counts()), 150);
  });
  server.subscribe(
    createDesktopNotifier({
      isWindowFocused: () => window !== undefined && !window.isDestroyed() && window.isVisible() && window.isFocused(),
      onClick: showWindow,
      icon: notificationIcon,
    }),
  );

  for (const notice of notices) {
    // Non-blocking: the app works; the user should just know why it is not where they expect.
    if (Notification.isSupported()) new Notification({ title: APP_NAME, body: notice, icon: notificationIcon }).show();
    else void dialog.showMessageBox(window!, { type: 'info', title: APP_NAME, message: APP_NAME, detail: notice, buttons: ['OK'] });
  }
}

/**
 * First start. When "Share on LAN" was left on but the LAN address cannot be bound now (no
 * network, a security product), the app still starts, on loopback, with sharing turned off and
 * a notice, rather than not starting at all.
 */
async function startServer(
  server: ServerController<TaskMonitorOptions & ListenOptions, RunningTaskMonitor>,
  settings: SettingsStore,
  configuredHost: string,
  notices: string[],
): Promise<ServerAddress> {
  try {
    return await server.start();
  } catch (error) {
    if (!settings.get().lanShare) throw error;
    await settings.update({ lanShare: false });
    notices.push(`Could not share on the local network (${(error as Error).message}); sharing is now off and the monitor runs on this computer only.`);
    return server.start(configuredHost);
  }
}
