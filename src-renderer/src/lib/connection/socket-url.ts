/** Where the task socket lives: `/ws` on the page's own origin. */

/** The WebSocket URL for a session, derived from the page location (`ws:` for `http:`, `wss:` for `https:`). */
export function socketUrl(location: Pick<Location, 'protocol' | 'host'>, sessionId: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws?sessionId=${encodeURIComponent(sessionId)}`;
}
