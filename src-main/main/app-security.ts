import type { BrowserWindowConstructorOptions, HandlerDetails, WindowOpenHandlerResponse } from 'electron';
import { fallbackCsp, withFallbackCsp, type ResponseHeaders } from './content-security-policy.js';
import { judgeNavigation } from './navigation-guard.js';
import { isPermissionGranted } from './permission-policy.js';

/** The part of an Electron `Session` hardened here (structural, so tests pass a fake). */
export interface SessionLike {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void,
  ): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string, requestingOrigin: string, details: { requestingUrl?: string }) => boolean): void;
  webRequest: {
    onHeadersReceived(
      listener: (details: { responseHeaders?: ResponseHeaders }, callback: (response: { responseHeaders?: ResponseHeaders }) => void) => void,
    ): void;
  };
}

/** A navigation event: Electron's carry the target as `url` and are cancelled by preventDefault. */
export interface NavigationEvent {
  readonly url: string;
  readonly isMainFrame?: boolean;
  preventDefault(): void;
}

/** The part of an Electron `WebContents` hardened here. */
export interface WebContentsLike {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: Pick<HandlerDetails, 'url'>) => WindowOpenHandlerResponse): void;
}

/** What hardening needs from the rest of the app. */
export interface SecurityContext {
  /** The app's origin now (empty until the server is up; it changes only if the server moves to another host). */
  getAppOrigin(): string;
  /** Opens an http(s) URL in the system browser (`shell.openExternal`). */
  openExternal(url: string): void;
  /** Options for a same-origin window the page opens: the same locked-down preferences. */
  childWindowOptions(): BrowserWindowConstructorOptions;
  /** Told about every refused navigation or window, for the log. */
  onBlocked?(what: string, url: string): void;
}

/**
 * Session-wide rules: every permission denied unless granted by policy (checklist 5), and a
 * Content-Security-Policy on every response that lacks one (checklist 7).
 */
export function hardenSession(session: SessionLike, context: SecurityContext): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    callback(isPermissionGranted(permission, details.requestingUrl, context.getAppOrigin()));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    isPermissionGranted(permission, details.requestingUrl ?? requestingOrigin, context.getAppOrigin()),
  );
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withFallbackCsp(details.responseHeaders, fallbackCsp(context.getAppOrigin())) });
  });
}

/**
 * Per-page rules, applied to every webContents as it is created (app 'web-contents-created'):
 * navigation stays on the app's origin (checklist 13), new windows too (checklist 14), external
 * web links go to the system browser, and no <webview> can be attached (checklist 12).
 */
export function hardenWebContents(contents: WebContentsLike, context: SecurityContext): void {
  const guard = (kind: string) => (event: NavigationEvent) => {
    const verdict = judgeNavigation(event.url, context.getAppOrigin());
    if (verdict === 'allow') return;
    event.preventDefault();
    // A redirect or a subframe going elsewhere is refused; only a click that would take the whole
    // window away opens the link in the browser instead.
    if (verdict === 'open-externally' && kind === 'will-navigate' && event.isMainFrame !== false) context.openExternal(event.url);
    else context.onBlocked?.(kind, event.url);
  };
  contents.on('will-navigate', guard('will-navigate'));
  contents.on('will-redirect', guard('will-redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    context.onBlocked?.('will-attach-webview', '');
  });
  contents.setWindowOpenHandler(({ url }) => {
    const verdict = judgeNavigation(url, context.getAppOrigin());
    if (verdict === 'allow') return { action: 'allow', overrideBrowserWindowOptions: context.childWindowOptions() };
    if (verdict === 'open-externally') context.openExternal(url);
    else context.onBlocked?.('window-open', url);
    return { action: 'deny' };
  });
}
