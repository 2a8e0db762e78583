// Every security setting of the desktop app in one place: Electron's security checklist
// (https://www.electronjs.org/docs/latest/tutorial/security), item by item. A change that weakens
// one of them has to change this file too.
import { describe, expect, it, vi } from 'vitest';
import type { BrowserWindowConstructorOptions } from 'electron';
import { hardenSession, hardenWebContents, type NavigationEvent, type SecurityContext, type SessionLike, type WebContentsLike } from './app-security.js';
import { fallbackCsp, hasCsp, withFallbackCsp } from './content-security-policy.js';
import { isTrustedSender } from './ipc-sender.js';
import { judgeNavigation } from './navigation-guard.js';
import { GRANTED_PERMISSIONS, isPermissionGranted } from './permission-policy.js';
import { mainWindowOptions, secureWebPreferences } from './window-options.js';

const ORIGIN = 'http://127.0.0.1:5000';

/** Every permission name Electron 45's permission handlers can be asked about. */
const ALL_PERMISSIONS = [
  'ar', 'automatic-fullscreen', 'background-fetch', 'background-sync', 'captured-surface-control', 'clipboard-read',
  'clipboard-sanitized-write', 'deprecated-sync-clipboard-read', 'display-capture', 'fileSystem', 'fullscreen', 'geolocation',
  'geolocation-approximate', 'hand-tracking', 'hid', 'idle-detection', 'keyboardLock', 'local-fonts', 'local-network',
  'local-network-access', 'loopback-network', 'media', 'mediaKeySystem', 'midi', 'midiSysex', 'nfc', 'notifications',
  'openExternal', 'payment-handler', 'periodic-background-sync', 'persistent-storage', 'pointerLock', 'screen-wake-lock',
  'sensors', 'serial', 'smart-card', 'speaker-selection', 'storage-access', 'system-wake-lock', 'top-level-storage-access',
  'usb', 'vr', 'web-app-installation', 'web-printing', 'window-management', 'unknown',
];

function fakeSession() {
  const handlers: {
    request?: Parameters<SessionLike['setPermissionRequestHandler']>[0];
    check?: Parameters<SessionLike['setPermissionCheckHandler']>[0];
    headers?: Parameters<SessionLike['webRequest']['onHeadersReceived']>[0];
  } = {};
  const session: SessionLike = {
    setPermissionRequestHandler: (handler) => void (handlers.request = handler),
    setPermissionCheckHandler: (handler) => void (handlers.check = handler),
    webRequest: { onHeadersReceived: (listener) => void (handlers.headers = listener) },
  };
  return { session, handlers };
}

function fakeWebContents() {
  const listeners = new Map<string, (event: NavigationEvent) => void>();
  let openHandler: Parameters<WebContentsLike['setWindowOpenHandler']>[0] | undefined;
  const contents = {
    on: (event: string, listener: (event: NavigationEvent) => void) => void listeners.set(event, listener),
    setWindowOpenHandler: (handler: typeof openHandler) => void (openHandler = handler),
  } as unknown as WebContentsLike;
  const navigate = (event: string, url: string, isMainFrame = true) => {
    const preventDefault = vi.fn();
    listeners.get(event)!({ url, isMainFrame, preventDefault });
    return preventDefault.mock.calls.length > 0 ? 'prevented' : 'allowed';
  };
  return { contents, listeners, navigate, open: (url: string) => openHandler!({ url }) };
}

function context(overrides: Partial<SecurityContext> = {}): SecurityContext & { openExternal: ReturnType<typeof vi.fn> } {
  return {
    getAppOrigin: () => ORIGIN,
    openExternal: vi.fn(),
    childWindowOptions: (): BrowserWindowConstructorOptions => ({ webPreferences: secureWebPreferences('/app/out/preload/index.cjs', '1.0.0') }),
    ...overrides,
  } as SecurityContext & { openExternal: ReturnType<typeof vi.fn> };
}

describe('web preferences (checklist 2, 3, 4, 6, 8, 9, 10, 11, 12)', () => {
  it('are exactly the locked-down set', () => {
    expect(secureWebPreferences('/app/out/preload/index.cjs', '1.0.0')).toEqual({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      additionalArguments: ['--task-monitor-version=1.0.0'],
    });
  });

  it('are what the main window is created with', () => {
    const options = mainWindowOptions({ bounds: { width: 900, height: 700 }, preloadPath: '/p.cjs', version: '2.0.0', title: 'T', dark: false });
    expect(options.webPreferences).toEqual(secureWebPreferences('/p.cjs', '2.0.0'));
    expect(options.webPreferences).not.toHaveProperty('enableBlinkFeatures');
  });

  it('are what a same-origin child window gets', () => {
    const { contents, open } = fakeWebContents();
    hardenWebContents(contents, context());
    const response = open(`${ORIGIN}/tasks/1`);
    expect(response).toEqual({ action: 'allow', overrideBrowserWindowOptions: { webPreferences: secureWebPreferences('/app/out/preload/index.cjs', '1.0.0') } });
  });
});

describe('Content-Security-Policy (checklist 7)', () => {
  it('is strict: nothing inline, nothing remote, connections to the app only', () => {
    expect(fallbackCsp(ORIGIN)).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self' ws://127.0.0.1:5000; manifest-src 'self'; base-uri 'none'; form-action 'self'; " +
        "frame-ancestors 'none'; object-src 'none'",
    );
    expect(fallbackCsp(ORIGIN)).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('is added to a response that has none', () => {
    const { session, handlers } = fakeSession();
    hardenSession(session, context());
    const callback = vi.fn();
    handlers.headers!({ responseHeaders: { 'content-type': ['text/html'] } }, callback);
    expect(callback).toHaveBeenCalledWith({ responseHeaders: { 'content-type': ['text/html'], 'Content-Security-Policy': [fallbackCsp(ORIGIN)] } });
  });

  it("never replaces or weakens the UI's own policy (SvelteKit's nonces), whatever the header's case", () => {
    const own = { 'content-security-policy': ["script-src 'self' 'nonce-abc'"] };
    expect(withFallbackCsp(own, fallbackCsp(ORIGIN))).toBe(own);
    const upper = { 'Content-Security-Policy': "default-src 'self'" };
    expect(withFallbackCsp(upper, fallbackCsp(ORIGIN))).toBe(upper);
  });

  it('does not count a report-only or empty header as a policy', () => {
    expect(hasCsp({ 'content-security-policy-report-only': ["default-src 'none'"] })).toBe(false);
    expect(hasCsp({ 'content-security-policy': [''] })).toBe(false);
    expect(hasCsp(undefined)).toBe(false);
  });

  it('follows the origin when the server moves to another port', () => {
    let origin = ORIGIN;
    const { session, handlers } = fakeSession();
    hardenSession(session, context({ getAppOrigin: () => origin }));
    origin = 'http://127.0.0.1:53124';
    const callback = vi.fn();
    handlers.headers!({}, callback);
    expect(callback.mock.calls[0]![0].responseHeaders['Content-Security-Policy'][0]).toContain('ws://127.0.0.1:53124');
  });
});

describe('permissions (checklist 5)', () => {
  it('grants nothing by policy', () => {
    expect(GRANTED_PERMISSIONS.size).toBe(0);
  });

  it('denies every permission request, even from the app itself', () => {
    const { session, handlers } = fakeSession();
    hardenSession(session, context());
    for (const permission of ALL_PERMISSIONS) {
      const callback = vi.fn();
      handlers.request!({}, permission, callback, { requestingUrl: `${ORIGIN}/` });
      expect(callback, permission).toHaveBeenCalledWith(false);
    }
  });

  it('denies every permission check', () => {
    const { session, handlers } = fakeSession();
    hardenSession(session, context());
    for (const permission of ALL_PERMISSIONS) {
      expect(handlers.check!({}, permission, ORIGIN, { requestingUrl: `${ORIGIN}/` }), permission).toBe(false);
    }
  });

  it('would grant an allow-listed permission to the app origin only', () => {
    const granted = GRANTED_PERMISSIONS as Set<string>;
    granted.add('clipboard-sanitized-write');
    try {
      expect(isPermissionGranted('clipboard-sanitized-write', `${ORIGIN}/`, ORIGIN)).toBe(true);
      expect(isPermissionGranted('clipboard-sanitized-write', 'https://evil.example/', ORIGIN)).toBe(false);
      expect(isPermissionGranted('clipboard-sanitized-write', undefined, ORIGIN)).toBe(false);
    } finally {
      granted.delete('clipboard-sanitized-write');
    }
  });
});

describe('navigation (checklist 13, 15)', () => {
  it('judges URLs: own origin allowed, web pages external, everything else refused', () => {
    expect(judgeNavigation(`${ORIGIN}/`, ORIGIN)).toBe('allow');
    expect(judgeNavigation(`${ORIGIN}/api/task/status?x=1#y`, ORIGIN)).toBe('allow');
    expect(judgeNavigation('https://docs.example.org/help', ORIGIN)).toBe('open-externally');
    expect(judgeNavigation('http://example.org/', ORIGIN)).toBe('open-externally');
    // Same host, other port or scheme: another origin.
    expect(judgeNavigation('http://127.0.0.1:5001/', ORIGIN)).toBe('open-externally');
    expect(judgeNavigation('http://localhost:5000/', ORIGIN)).toBe('open-externally');
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-settings:', 'data:text/html,hi', 'not a url', '']) {
      expect(judgeNavigation(url, ORIGIN), url).toBe('deny');
    }
    // Credentials in a URL are a phishing device; not worth opening.
    expect(judgeNavigation('https://user:pass@example.org/', ORIGIN)).toBe('deny');
  });

  it('lets the window move within the app', () => {
    const { contents, navigate } = fakeWebContents();
    const ctx = context();
    hardenWebContents(contents, ctx);
    expect(navigate('will-navigate', `${ORIGIN}/settings`)).toBe('allowed');
    expect(ctx.openExternal).not.toHaveBeenCalled();
  });

  it('sends a web link to the system browser instead of navigating', () => {
    const { contents, navigate } = fakeWebContents();
    const ctx = context();
    hardenWebContents(contents, ctx);
    expect(navigate('will-navigate', 'https://example.org/')).toBe('prevented');
    expect(ctx.openExternal).toHaveBeenCalledWith('https://example.org/');
  });

  it('refuses other schemes without opening anything', () => {
    const { contents, navigate } = fakeWebContents();
    const ctx = context({ onBlocked: vi.fn() });
    hardenWebContents(contents, ctx);
    expect(navigate('will-navigate', 'file:///etc/passwd')).toBe('prevented');
    expect(ctx.openExternal).not.toHaveBeenCalled();
    expect(ctx.onBlocked).toHaveBeenCalledWith('will-navigate', 'file:///etc/passwd');
  });

  it('refuses redirects away from the app, without opening them', () => {
    const { contents, navigate } = fakeWebContents();
    const ctx = context();
    hardenWebContents(contents, ctx);
    expect(navigate('will-redirect', 'https://example.org/')).toBe('prevented');
    expect(navigate('will-redirect', `${ORIGIN}/`)).toBe('allowed');
    expect(ctx.openExternal).not.toHaveBeenCalled();
  });

  it('does not open a subframe navigation in the browser', () => {
    const { contents, navigate } = fakeWebContents();
    const ctx = context();
    hardenWebContents(contents, ctx);
    expect(navigate('will-navigate', 'https://example.org/', false)).toBe('prevented');
    expect(ctx.openExternal).not.toHaveBeenCalled();
  });

  it('follows the origin when the server moves', () => {
    let origin = ORIGIN;
    const { contents, navigate } = fakeWebContents();
    hardenWebContents(contents, context({ getAppOrigin: () => origin }));
    origin = 'http://127.0.0.1:6000';
    expect(navigate('will-navigate', 'http://127.0.0.1:6000/')).toBe('allowed');
    expect(navigate('will-navigate', `${ORIGIN}/`)).toBe('prevented');
  });
});

describe('new windows (checklist 14) and webviews (checklist 12)', () => {
  it('denies a window to another site and opens it in the browser', () => {
    const { contents, open } = fakeWebContents();
    const ctx = context();
    hardenWebContents(contents, ctx);
    expect(open('https://example.org/')).toEqual({ action: 'deny' });
    expect(ctx.openExternal).toHaveBeenCalledWith('https://example.org/');
  });

  it('denies a window with another scheme and opens nothing', () => {
    const { contents, open } = fakeWebContents();
    const ctx = context();
    hardenWebContents(contents, ctx);
    expect(open('file:///C:/Windows/System32/calc.exe')).toEqual({ action: 'deny' });
    expect(open('about:blank')).toEqual({ action: 'deny' });
    expect(ctx.openExternal).not.toHaveBeenCalled();
  });

  it('refuses to attach any <webview>', () => {
    const { contents, listeners } = fakeWebContents();
    hardenWebContents(contents, context());
    const preventDefault = vi.fn();
    listeners.get('will-attach-webview')!({ url: '', preventDefault });
    expect(preventDefault).toHaveBeenCalled();
  });
});

describe('IPC senders (checklist 17)', () => {
  it('trusts only frames showing the app origin', () => {
    expect(isTrustedSender({ url: `${ORIGIN}/` }, ORIGIN)).toBe(true);
    expect(isTrustedSender({ url: 'https://example.org/' }, ORIGIN)).toBe(false);
    expect(isTrustedSender({ url: 'http://127.0.0.1:5001/' }, ORIGIN)).toBe(false);
    expect(isTrustedSender({ url: 'about:blank' }, ORIGIN)).toBe(false);
    expect(isTrustedSender({ url: 'file:///index.html' }, ORIGIN)).toBe(false);
    expect(isTrustedSender(null, ORIGIN)).toBe(false);
    // Before the server is up nothing is the app's.
    expect(isTrustedSender({ url: `${ORIGIN}/` }, '')).toBe(false);
  });
});
