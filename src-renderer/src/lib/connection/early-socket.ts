/**
 * The monitor page's socket, opened by a small inline script at the top of the HTML (app.html)
 * while the rest of the page still downloads, parses and hydrates: the connection's round trips
 * and the server's greeting overlap all of that. The script keeps the socket's events until the
 * page takes it over with {@link takeEarlySocket}.
 */

/** What app.html's inline script leaves on `window`. */
export interface EarlySocket {
  /** The URL it opened: the page only adopts a socket opened for the URL it would open itself. */
  url: string;
  socket: WebSocket;
  /** `open`, `message` and `close` events so far, in order. */
  events: Event[];
}

declare global {
  interface Window {
    __earlySocket?: EarlySocket;
  }
}

/**
 * Takes the early socket if it was opened for `url` (else closes it: the page wants another one,
 * e.g. a non-owner's `?scope=all`). Either way it is taken only once. Null when there is none.
 */
export function takeEarlySocket(url: string, from: { __earlySocket?: EarlySocket } = window): EarlySocket | null {
  const early = from.__earlySocket;
  delete from.__earlySocket;
  if (!early) return null;
  if (early.url === url) return early;
  early.socket.onopen = early.socket.onmessage = early.socket.onclose = null;
  early.socket.close(1000, 'not needed');
  return null;
}
