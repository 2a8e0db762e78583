// A stand-in for the `electron` module, for the smoke test of the built main bundle
// (main-bundle.test.ts). It records what the app does as `[stub] <event> <json>` lines on
// stdout and, once the window loads the app, plays the parts of a page and of Chromium: it
// calls the IPC handlers, the header and permission handlers and the navigation guards the app
// registered, and logs their answers. Only what the app uses is implemented.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.cwd();
const log = (event, data = {}) => process.stdout.write(`[stub] ${event} ${JSON.stringify(data)}\n`);

class StubEvent {
  defaultPrevented = false;
  preventDefault() {
    this.defaultPrevented = true;
  }
}

const ipcHandlers = new Map();
export const ipcMain = {
  handle(channel, listener) {
    ipcHandlers.set(channel, listener);
    log('ipc-handle', { channel });
  },
  removeHandler(channel) {
    ipcHandlers.delete(channel);
  },
};

const sessionHandlers = {};
export const session = {
  defaultSession: {
    setPermissionRequestHandler: (handler) => (sessionHandlers.request = handler),
    setPermissionCheckHandler: (handler) => (sessionHandlers.check = handler),
    webRequest: { onHeadersReceived: (listener) => (sessionHandlers.headers = listener) },
  },
};

/** A LAN share state as logged: the QR code shortened to its kind. */
const loggedLanShare = (state) => ({ ...state, qrCodeDataUrl: state.qrCodeDataUrl?.slice(0, 22) ?? null });

class WebContents extends EventEmitter {
  openHandler;
  url = '';
  setWindowOpenHandler(handler) {
    this.openHandler = handler;
  }
  getURL() {
    return this.url;
  }
  /** A message pushed to the page (what the preload would hand its callback). */
  send(channel, payload) {
    log('webcontents-send', { channel, payload: channel === 'task-monitor:lan-share-changed' ? loggedLanShare(payload) : payload });
  }
}

class App extends EventEmitter {
  isPackaged = false;
  commandLine = { appendSwitch() {} };
  dock = { hide: () => log('dock-hide') };
  #ready = Promise.resolve();
  #quitting = false;
  getVersion = () => JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  getAppPath = () => root;
  getPath = (name) => join(process.env.STUB_USER_DATA ?? tmpdir(), name === 'userData' ? '' : name);
  requestSingleInstanceLock = () => process.env.STUB_LOCK_TAKEN !== '1';
  enableSandbox = () => log('enable-sandbox');
  setAppUserModelId = (id) => log('app-user-model-id', { id });
  disableHardwareAcceleration = () => log('disable-hardware-acceleration');
  whenReady = () => this.#ready;
  quit() {
    if (this.#quitting) return;
    const event = new StubEvent();
    log('quit-requested');
    this.emit('before-quit', event);
    if (event.defaultPrevented) return log('quit-held');
    this.#quitting = true;
    log('quit');
    setImmediate(() => process.exit(0));
  }
  exit(code = 0) {
    log('exit', { code });
    process.exit(code);
  }
}
export const app = new App();

export class BrowserWindow extends EventEmitter {
  static windows = [];
  webContents = new WebContents();
  #destroyed = false;
  #visible = false;
  constructor(options) {
    super();
    BrowserWindow.windows.push(this);
    log('window-created', { webPreferences: options.webPreferences, show: options.show, width: options.width, height: options.height });
    app.emit('web-contents-created', new StubEvent(), this.webContents);
  }
  async loadURL(url) {
    log('load-url', { url });
    this.url = url;
    this.webContents.url = url;
    this.emit('ready-to-show');
    setTimeout(() => void playThePage(this, url), 50);
  }
  isDestroyed = () => this.#destroyed;
  isVisible = () => this.#visible;
  isFocused = () => this.#visible;
  isMinimized = () => false;
  isMaximized = () => false;
  getNormalBounds = () => ({ x: 10, y: 20, width: 1000, height: 700 });
  show() {
    this.#visible = true;
    log('window-show');
  }
  hide() {
    this.#visible = false;
    log('window-hide');
  }
  focus() {}
  restore() {}
  maximize() {}
  close() {
    const event = new StubEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return log('window-close-held');
    this.#destroyed = true;
    this.emit('closed');
  }
}

/** What a page and Chromium would do once the app is loaded; each answer is logged. */
async function playThePage(window, url) {
  const origin = new URL(url).origin;
  const frame = (frameUrl) => ({ senderFrame: { url: frameUrl } });
  try {
    log('ipc-get-lan-share', { result: await ipcHandlers.get('task-monitor:get-lan-share')(frame(`${origin}/`)) });
  } catch (error) {
    log('ipc-get-lan-share', { error: error.message });
  }
  try {
    await ipcHandlers.get('task-monitor:get-lan-share')(frame('https://evil.example/'));
    log('ipc-untrusted', { error: null });
  } catch (error) {
    log('ipc-untrusted', { error: error.message });
  }
  sessionHandlers.headers({ responseHeaders: { 'content-type': ['application/json'] } }, (response) => log('headers-without-csp', response));
  sessionHandlers.headers({ responseHeaders: { 'Content-Security-Policy': ["script-src 'nonce-x'"] } }, (response) => log('headers-with-csp', response));
  sessionHandlers.request(window.webContents, 'media', (granted) => log('permission-request', { permission: 'media', granted }), { requestingUrl: `${origin}/` });
  log('permission-check', { permission: 'notifications', granted: sessionHandlers.check(window.webContents, 'notifications', origin, { requestingUrl: `${origin}/` }) });
  for (const target of [`${origin}/other`, 'https://example.org/', 'file:///etc/passwd']) {
    const event = Object.assign(new StubEvent(), { url: target, isMainFrame: true });
    window.webContents.emit('will-navigate', event);
    log('will-navigate', { url: target, prevented: event.defaultPrevented });
  }
  log('window-open', { url: 'https://example.org/', response: window.webContents.openHandler({ url: 'https://example.org/' }) });
  if (process.env.STUB_LAN_TOGGLE === '1') {
    // The page's "Share on LAN" switch, on and then off again.
    for (const enabled of [true, false]) {
      const result = await ipcHandlers.get('task-monitor:set-lan-share')(frame(`${origin}/`), enabled);
      log('ipc-set-lan-share', { enabled, result: loggedLanShare(result) });
    }
  }
  log('page-played');
}

/** The page's "Share on LAN" switch, flipped by the user (SIGHUP plays that). */
async function flipLanShare() {
  const window = BrowserWindow.windows.at(-1);
  const frame = { senderFrame: { url: `${new URL(window.url).origin}/` } };
  const { enabled } = await ipcHandlers.get('task-monitor:get-lan-share')(frame);
  const result = await ipcHandlers.get('task-monitor:set-lan-share')(frame, !enabled);
  log('ipc-set-lan-share', { enabled: !enabled, result: loggedLanShare(result) });
}

export const Menu = {
  buildFromTemplate: (template) => ({ template }),
  setApplicationMenu: (menu) => log('application-menu', { labels: menu.template.map((item) => item.label ?? item.role) }),
};

export class Tray extends EventEmitter {
  constructor() {
    super();
    log('tray-created');
  }
  setToolTip(text) {
    log('tray-tooltip', { text });
  }
  setContextMenu(menu) {
    log('tray-menu', { labels: menu.template.map((item) => item.label ?? item.type) });
  }
  destroy() {
    log('tray-destroyed');
  }
}

export const nativeImage = {
  createFromPath: (path) => {
    log('native-image', { path, exists: (() => { try { return readFileSync(path).length > 0; } catch { return false; } })() });
    return { addRepresentation() {}, setTemplateImage() {} };
  },
};

export class Notification extends EventEmitter {
  static isSupported = () => true;
  constructor(options) {
    super();
    this.options = options;
  }
  show() {
    log('notification', { title: this.options.title, body: this.options.body });
  }
}

export const dialog = {
  showMessageBox: async (...args) => {
    const options = args.length > 1 ? args[1] : args[0];
    log('message-box', { title: options.title, message: options.message });
    return { response: Number(process.env.STUB_DIALOG_RESPONSE ?? options.cancelId ?? 0) };
  },
  showErrorBox: (title, content) => log('error-box', { title, content }),
};

export const shell = { openExternal: async (url) => log('open-external', { url }) };
export const screen = {
  getPrimaryDisplay: () => ({ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }),
  getAllDisplays: () => [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
};
export const nativeTheme = { shouldUseDarkColors: false };
// SIGUSR2 plays the user clicking the window's close button.
process.on('SIGUSR2', () => {
  log('user-closes-window');
  BrowserWindow.windows.at(-1)?.close();
});
// SIGHUP plays the user flipping the page's "Share on LAN" switch.
process.on('SIGHUP', () => {
  flipLanShare().catch((error) => log('ipc-set-lan-share', { error: error.message }));
});

export default { app, BrowserWindow, Menu, Tray, nativeImage, Notification, dialog, shell, screen, nativeTheme, ipcMain, session };
