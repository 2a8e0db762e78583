/**
 * The browser session's id: the owner of its tasks and the id its sockets connect with.
 * Kept, like the original client did, in a cookie and in `localStorage`, both named `sessionId`.
 */

/** Cookie name (read by SSR and the client). */
export const SESSION_COOKIE = 'sessionId';
/**
 * Cookie of earlier versions, whose "clear finished" only hid tasks up to a time mark. Clearing
 * now deletes them on the server; the page load removes this cookie when it sees it.
 */
export const CLEARED_COOKIE = 'tasksClearedThrough';
/** `localStorage` key (the original client's). */
export const SESSION_STORAGE_KEY = 'sessionId';
/** Cookie lifetime in seconds: 400 days, the longest browsers keep a cookie. */
export const SESSION_MAX_AGE_S = 400 * 24 * 60 * 60;

const SESSION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Whether a value can be used as a session id (UUIDs and the like; nothing that needs escaping). */
export function isValidSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID_PATTERN.test(value);
}

/** Reads one cookie from a `document.cookie` style string; `null` when absent. */
export function readCookie(cookieHeader: string, name: string): string | null {
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return null;
}

/** A `document.cookie` assignment that sets a long-lived, site-wide, JS-readable cookie. */
export function cookieAssignment(name: string, value: string, options: { secure: boolean; maxAgeS?: number }): string {
  const maxAge = options.maxAgeS ?? SESSION_MAX_AGE_S;
  return `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${maxAge}; SameSite=Lax${options.secure ? '; Secure' : ''}`;
}
