/**
 * Where server-side loads reach the REST API. The UI is mounted inside the API server, but
 * SvelteKit's `event.fetch` would route a relative `/api/...` request to the UI's own routes; so
 * such requests are sent over HTTP to the API instead (see `handleFetch` in hooks.server.ts).
 */

/** Paths served by the API server rather than by SvelteKit. */
export function isApiPath(pathname: string): boolean {
  return pathname === '/health' || pathname === '/api' || pathname.startsWith('/api/');
}

/**
 * The API's origin for server-side requests: `TASK_MONITOR_API_ORIGIN` when set (e.g. behind a
 * proxy), the dev proxy's target in development, else the origin the page was requested on
 * (the same server, since it mounts the UI).
 */
export function apiOrigin(
  requestOrigin: string,
  env: { TASK_MONITOR_API_ORIGIN?: string | undefined; TASK_MONITOR_API?: string | undefined },
  dev: boolean,
): string {
  const configured = env.TASK_MONITOR_API_ORIGIN?.trim();
  if (configured) return new URL(configured).origin;
  if (dev) return new URL(env.TASK_MONITOR_API?.trim() || 'http://127.0.0.1:5000').origin;
  return requestOrigin;
}
