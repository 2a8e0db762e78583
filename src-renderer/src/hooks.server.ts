import type { Handle, HandleFetch } from '@sveltejs/kit';
import { dev } from '$app/environment';
import { env } from '$env/dynamic/private';
import { isValidSessionId, SESSION_COOKIE, SESSION_MAX_AGE_S } from '$lib/session/session-id.js';
import { apiOrigin, forwardedRequest, isApiPath } from '$lib/server/api-origin.js';
import { withPageSession } from '$lib/server/page-session.js';

/** Gives every browser a session id (cookie `sessionId`), creating one when missing. */
export const handle: Handle = async ({ event, resolve }) => {
  const existing = event.cookies.get(SESSION_COOKIE);
  const isNew = !isValidSessionId(existing);
  const sessionId = isValidSessionId(existing) ? existing : crypto.randomUUID();
  if (isNew) {
    // adapter-node assumes https unless told otherwise (ORIGIN / PROTOCOL_HEADER), so judge by
    // the socket itself or a proxy's header: a Secure cookie on plain http would be dropped.
    const socket = event.platform?.req.socket as { encrypted?: boolean } | undefined;
    const secure = socket?.encrypted === true || event.request.headers.get('x-forwarded-proto') === 'https';
    event.cookies.set(SESSION_COOKIE, sessionId, {
      path: '/',
      sameSite: 'lax',
      httpOnly: false, // the page reads it too (and mirrors it in localStorage)
      secure,
      maxAge: SESSION_MAX_AGE_S,
    });
  }
  event.locals.sessionId = sessionId;
  event.locals.sessionIsNew = isNew;
  // app.html's early-socket script gets the id in the HTML (see page-session.ts).
  return resolve(event, { transformPageChunk: ({ html }) => withPageSession(html, sessionId) });
};

/**
 * Sends server-side `/api/*` and `/health` requests to the API over HTTP (not to SvelteKit's
 * routes), with the browser's credentials so the API applies the same access rules as to it.
 */
export const handleFetch: HandleFetch = async ({ event, request, fetch }) => {
  const url = new URL(request.url);
  if (url.origin !== event.url.origin || !isApiPath(url.pathname)) return fetch(request);
  const origin = apiOrigin({
    requestOrigin: event.url.origin,
    socket: event.platform?.req.socket,
    env: { TASK_MONITOR_API_ORIGIN: env['TASK_MONITOR_API_ORIGIN'], TASK_MONITOR_API: env['TASK_MONITOR_API'] },
    dev,
  });
  return globalThis.fetch(forwardedRequest(request, new URL(url.pathname + url.search, origin), event.request.headers));
};
