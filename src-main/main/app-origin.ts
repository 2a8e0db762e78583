/** Hosts that mean "every interface": the server is bound there but cannot be browsed there. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * The URL the window loads for a server bound to `host:port`. A wildcard bind (LAN sharing)
 * is browsed through loopback, so the window's origin stays `http://127.0.0.1:port` and the
 * page keeps its storage when sharing is switched on or off.
 */
export function windowUrlFor(host: string, port: number): string {
  if (WILDCARD_HOSTS.has(host)) return `http://${host.includes(':') ? '[::1]' : '127.0.0.1'}:${port}`;
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

/** The origin of a URL (`http://127.0.0.1:5000`), or null for anything unparsable or opaque. */
export function originOf(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/** Whether `url` belongs to the app's own origin (scheme, host and port all equal). */
export function isAppUrl(url: string, appOrigin: string): boolean {
  return originOf(url) === appOrigin;
}
