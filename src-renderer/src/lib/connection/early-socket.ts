/**
 * The monitor page's socket, opened by a small inline script at the top of the HTML (app.html)
 * once the HTML has painted, while the page's scripts still load, run and hydrate: the
 * connection's round trips and the server's greeting overlap that work. Not before the first
 * paint: opening it, and receiving the snapshot, held that paint back (with 200 tasks in the
 * history, a snapshot of ~110 KB). The script keeps the socket's events until the page takes it
 * over with {@link takeEarlySocket}.
 */

/** What app.html's inline script leaves on `window`. */
export interface EarlySocket {
  /** The URL it opens: the page only adopts a socket opened for the URL it would open itself. */
  url: string;
  /** Null until {@link open} (the first paint, or the page asking first); null after it if the browser refused. */
  socket: WebSocket | null;
  /** `open`, `message` and `close` events so far, in order. */
  events: Event[];
  /** Opens the socket now, if not open already. */
  open?: () => void;
}

declare global {
  interface Window {
    __earlySocket?: EarlySocket;
  }
}

/**
 * Takes the early socket if it is for `url`, opening it now if the first paint has not come yet
 * (else closes it: the page wants another one, e.g. a non-owner's `?scope=all`; one not yet
 * opened then never opens). Either way it is taken only once. Null when there is none.
 */
export function takeEarlySocket(url: string, from: { __earlySocket?: EarlySocket } = window): (EarlySocket & { socket: WebSocket }) | null {
  const early = from.__earlySocket;
  delete from.__earlySocket;
  if (!early) return null;
  if (early.url === url) {
    early.open?.();
    return early.socket ? (early as EarlySocket & { socket: WebSocket }) : null;
  }
  if (early.socket) {
    early.socket.onopen = early.socket.onmessage = early.socket.onclose = null;
    early.socket.close(1000, 'not needed');
  }
  return null;
}
