/**
 * Where server-side loads reach the REST API. The UI is mounted inside the API server, but
 * SvelteKit's `event.fetch` would route a relative `/api/...` request to the UI's own routes; so
 * such requests are sent over HTTP to the API instead (see `handleFetch` in hooks.server.ts).
 */

/** Paths served by the API server rather than by SvelteKit. */
export function isApiPath(pathname: string): boolean {
  return pathname === '/health' || pathname === '/api' || pathname.startsWith('/api/');
}

/** The socket a request came in on, as Node reports it (`req.socket`). */
export interface LocalSocket {
  localAddress?: string | undefined;
  localPort?: number | undefined;
  encrypted?: boolean | undefined;
}

/**
 * The origin of the server socket a request arrived on, e.g. `http://127.0.0.1:5000`: the same
 * server, reachable from itself whatever Host header or proxy the browser went through.
 */
export function localOrigin(socket: LocalSocket | undefined): string | null {
  if (!socket?.localAddress || !socket.localPort) return null;
  let address = socket.localAddress;
  if (address.startsWith('::ffff:')) address = address.slice(7); // IPv4-mapped IPv6
  if (address === '0.0.0.0') address = '127.0.0.1';
  if (address === '::') address = '::1';
  const host = address.includes(':') ? `[${address}]` : address;
  return `${socket.encrypted ? 'https' : 'http'}://${host}:${socket.localPort}`;
}

/**
 * The API's origin for server-side requests, first found of: `TASK_MONITOR_API_ORIGIN` (e.g. an
 * API elsewhere), the dev proxy's target in development, the local socket the page request came
 * in on (the UI is mounted in the API server), the page's own origin.
 */
export function apiOrigin(options: {
  requestOrigin: string;
  socket: LocalSocket | undefined;
  env: { TASK_MONITOR_API_ORIGIN?: string | undefined; TASK_MONITOR_API?: string | undefined };
  dev: boolean;
}): string {
  const configured = options.env.TASK_MONITOR_API_ORIGIN?.trim();
  if (configured) return new URL(configured).origin;
  if (options.dev) return new URL(options.env.TASK_MONITOR_API?.trim() || 'http://127.0.0.1:5000').origin;
  return localOrigin(options.socket) ?? options.requestOrigin;
}

/**
 * The request to send to the API for a server-side load: same method, path and body, plus the
 * browser's own credentials (its cookies, e.g. a paired device's, and any Authorization), so the
 * API judges the load as it would the browser itself rather than as a loopback caller.
 */
export function forwardedRequest(request: Request, target: URL, incoming: Headers): Request {
  const headers = new Headers(request.headers);
  const cookie = incoming.get('cookie');
  if (cookie && !headers.has('cookie')) headers.set('cookie', cookie);
  const authorization = incoming.get('authorization');
  if (authorization && !headers.has('authorization')) headers.set('authorization', authorization);
  return new Request(target, { method: request.method, headers, body: request.body, duplex: 'half' } as RequestInit);
}
