/**
 * The session id written into the page's HTML for app.html's early-socket script, so that script
 * need not read `document.cookie`: in Chromium that read is a synchronous round trip to the
 * browser process, and at that moment (the head of a page still loading) it took 5–100 ms on a
 * busy machine, every millisecond of it holding back the parser and so the first paint.
 */
import { isValidSessionId } from '../session/session-id.js';

/** The placeholder in app.html that {@link withPageSession} fills in. */
export const PAGE_SESSION_PLACEHOLDER = '%task-monitor.sessionId%';

/**
 * The HTML (or a chunk of it) with the placeholder replaced by `sessionId`. Only a valid id is
 * written (its characters need no escaping in a script's string literal or in HTML); otherwise
 * the placeholder becomes empty and the script opens nothing (the page then opens its socket
 * itself, as without the early socket).
 */
export function withPageSession(html: string, sessionId: string | undefined): string {
  if (!html.includes(PAGE_SESSION_PLACEHOLDER)) return html;
  return html.replaceAll(PAGE_SESSION_PLACEHOLDER, isValidSessionId(sessionId) ? sessionId : '');
}
