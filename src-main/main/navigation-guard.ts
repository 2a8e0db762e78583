import { isAppUrl } from './app-origin.js';

/** What to do with a URL the page wants to go to. */
export type NavigationVerdict =
  /** The app's own origin: let it happen. */
  | 'allow'
  /** A web page elsewhere: not in the app's window; hand it to the system browser. */
  | 'open-externally'
  /** Anything else (file:, javascript:, custom schemes, junk): refuse. */
  | 'deny';

/**
 * Judges a navigation or a window.open target. Only http and https leave the app, through the
 * system browser; other schemes can launch local programs (checklist 15: shell.openExternal
 * with untrusted content), so they are refused outright.
 */
export function judgeNavigation(url: string, appOrigin: string): NavigationVerdict {
  if (isAppUrl(url, appOrigin)) return 'allow';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'deny';
  }
  if ((parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.username === '' && parsed.password === '') {
    return 'open-externally';
  }
  return 'deny';
}
