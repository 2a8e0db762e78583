import type { Handle, HandleFetch } from '@sveltejs/kit';
import { dev } from '$app/environment';
import { env } from '$env/dynamic/private';
import { isValidSessionId, SESSION_COOKIE, SESSION_MAX_AGE_S } from '$lib/session/session-id.js';
import { apiOrigin, isApiPath } from '$lib/server/api-origin.js';

/** Gives every browser a session id (cookie `sessionId`), creating one when missing. */
export const handle: Handle = async ({ event, resolve }) => {
  const existing = event.cookies.get(SESSION_COOKIE);
  const isNew = !isValidSessionId(existing);
  const sessionId = isValidSessionId(existing) ? existing : crypto.randomUUID();
  if (isNew) {
    event.cookies.set(SESSION_COOKIE, sessionId, {
      path: '/',
      sameSite: 'lax',
      httpOnly: false, // the page reads it too (and mirrors it in localStorage)
      secure: event.url.protocol === 'https:',
      maxAge: SESSION_MAX_AGE_S,
    });
  }
  event.locals.sessionId = sessionId;
  event.locals.sessionIsNew = isNew;
  return resolve(event);
};

/** Sends server-side `/api/*` and `/health` requests to the API over HTTP (not to SvelteKit's routes). */
export const handleFetch: HandleFetch = async ({ event, request, fetch }) => {
  const url = new URL(request.url);
  if (url.origin !== event.url.origin || !isApiPath(url.pathname)) return fetch(request);
  const target = new URL(url.pathname + url.search, apiOrigin(
    event.url.origin,
    { TASK_MONITOR_API_ORIGIN: env['TASK_MONITOR_API_ORIGIN'], TASK_MONITOR_API: env['TASK_MONITOR_API'] },
    dev,
  ));
  return globalThis.fetch(new Request(target, request));
};
