/**
 * The page's live connection to `/ws`: opens on start, reconnects forever with capped, jittered
 * backoff (and at once when the browser comes back online or the tab becomes visible), checks
 * a connection that may have died silently with a ping, and measures round trips.
 */
import type { ClientMessage, PingMessage, ServerMessage, StatsTickMessage } from '../protocol.js';
import type { LogLevel } from '../logs/log-buffer.js';
import type { ConnectionPhase } from './connection-status.js';
import { DEFAULT_RECONNECT, reconnectDelay, type ReconnectOptions } from './reconnect-schedule.js';
import { parseServerMessage } from './server-messages.js';
import { takeEarlySocket } from './early-socket.js';
import { afterNextPaint } from '../paint/after-next-paint.js';

/** What a {@link LiveConnection} needs from its page. */
export interface LiveConnectionOptions {
  /** The socket URL, read at every (re)connect. */
  url: () => string;
  /** Every well-formed server message, in order. */
  onMessage: (message: ServerMessage) => void;
  /** The owner's `statsTick` frames (the charts' current minute); ignored without it. */
  onStatsTick?: (message: StatsTickMessage) => void;
  /** Connection events worth a log line. */
  onLog: (level: LogLevel, text: string) => void;
  /** Called when the socket opens or closes (e.g. to refresh the connection count). */
  onChange?: (phase: ConnectionPhase) => void;
  reconnect?: ReconnectOptions;
  /** How long a ping may go unanswered before the socket counts as dead, ms. */
  pongTimeoutMs?: number;
}

/** Reactive state of the live connection; all fields are read-only for components. */
export class LiveConnection {
  /** Current phase; `connecting` until the first socket opens. */
  phase = $state<ConnectionPhase>('connecting');
  /** The socket id from the server's `connection` message while connected. */
  socketId = $state<string | null>(null);
  /** When the next retry happens (epoch ms, client clock) while waiting. */
  retryAt = $state<number | null>(null);
  /** Last measured ping round trip, ms. */
  rttMs = $state<number | null>(null);
  /** Whether a ping is awaiting its pong. */
  pinging = $state(false);
  /** Whether the page has been connected at least once (for "data may be stale"). */
  everConnected = $state(false);
  /** Failed attempts since the last successful connection (drives the backoff). */
  failures = $state(0);

  readonly #options: LiveConnectionOptions;
  #socket: WebSocket | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #pongTimer: ReturnType<typeof setTimeout> | null = null;
  #pingSentAt: number | null = null;
  #running = false;
  #removeListeners: (() => void) | null = null;
  /** A socket opened by {@link preconnect}, with the events it had before {@link start}. */
  #early: { socket: WebSocket; events: Event[] } | null = null;

  constructor(options: LiveConnectionOptions) {
    this.#options = options;
  }

  /**
   * Opens the socket now, while the page is still being put together: the connection's round
   * trips and the server's greeting overlap that work. Its events wait, changing nothing on
   * screen, until {@link start} takes the socket over and plays them in order. Browser only.
   */
  preconnect(): void {
    if (this.#running || this.#early) return;
    const url = this.#options.url();
    // The HTML's own inline script may have opened it already (see early-socket.ts).
    const adopted = takeEarlySocket(url);
    if (adopted) {
      this.#early = adopted;
      return;
    }
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch {
      return; // start() tries again, and says why
    }
    const early = { socket, events: [] as Event[] };
    socket.onopen = socket.onmessage = socket.onclose = (event: Event) => void early.events.push(event);
    this.#early = early;
  }

  /** Opens the connection and starts watching the network and tab visibility. Browser only. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const online = () => this.reconnectNow('Network is back');
    const offline = () => {
      if (this.phase === 'waiting') this.phase = 'offline';
      this.#options.onLog('warn', 'Browser went offline');
      if (this.phase === 'connected') this.checkAlive();
    };
    const visible = () => {
      if (document.visibilityState !== 'visible') return;
      if (this.phase === 'connected') this.checkAlive();
      else this.reconnectNow('Tab is visible again');
    };
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    document.addEventListener('visibilitychange', visible);
    this.#removeListeners = () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
      document.removeEventListener('visibilitychange', visible);
    };
    this.#open();
  }

  /** Closes the connection for good (page teardown). */
  stop(): void {
    this.#running = false;
    this.#removeListeners?.();
    this.#removeListeners = null;
    this.#clearTimers();
    const socket = this.#socket ?? this.#early?.socket ?? null;
    this.#socket = null;
    this.#early = null;
    if (socket) {
      socket.onclose = socket.onmessage = socket.onopen = socket.onerror = null;
      socket.close(1000, 'page closed');
    }
  }

  /** Skips the wait and reconnects now, when not connected. */
  reconnectNow(reason: string): void {
    if (!this.#running || this.phase === 'connected' || this.phase === 'connecting') return;
    this.#options.onLog('info', `${reason}: reconnecting now`);
    this.#open();
  }

  /** Sends a ping; the pong sets {@link rttMs}. Returns false when not connected. */
  ping(): boolean {
    const socket = this.#socket;
    if (!socket || this.phase !== 'connected') return false;
    const sentAt = new Date().toISOString();
    const message: PingMessage & { data: { timestamp: string } } = { type: 'ping', data: { timestamp: sentAt }, timestamp: sentAt };
    this.#pingSentAt = performance.now();
    this.pinging = true;
    socket.send(JSON.stringify(message));
    if (this.#pongTimer) clearTimeout(this.#pongTimer);
    this.#pongTimer = setTimeout(() => {
      this.#pongTimer = null;
      if (this.#socket === socket && this.pinging) this.#drop(socket, 'No answer to ping: connection lost');
    }, this.#options.pongTimeoutMs ?? 5000);
    return true;
  }

  /** Sends a client message (e.g. `subscribeLog`) when connected; returns false otherwise. */
  send(message: ClientMessage): boolean {
    const socket = this.#socket;
    if (!socket || this.phase !== 'connected') return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  /** Pings to find out whether a connection that looks open still works (after sleep, offline). */
  checkAlive(): void {
    if (!this.pinging) this.ping();
  }

  #open(): void {
    this.#clearTimers();
    this.retryAt = null;
    this.phase = 'connecting';
    const early = this.#early;
    this.#early = null;
    let socket: WebSocket;
    try {
      socket = early?.socket ?? new WebSocket(this.#options.url());
    } catch (error) {
      this.#options.onLog('error', `Cannot open the socket: ${String(error)}`);
      this.#scheduleRetry();
      return;
    }
    this.#socket = socket;
    this.#options.onLog('info', this.failures === 0 && !this.everConnected ? 'Connecting…' : `Reconnecting (attempt ${this.failures + 1})…`);

    const onOpen = () => {
      if (this.#socket !== socket) return;
      this.phase = 'connected';
      this.failures = 0;
      this.everConnected = true;
      this.#options.onChange?.('connected');
    };
    const onMessage = (event: MessageEvent) => {
      if (this.#socket !== socket) return;
      const message = parseServerMessage(event.data);
      if (!message) return;
      if (message.type === 'statsTick') return this.#options.onStatsTick?.(message);
      if (message.type === 'connection') this.socketId = message.data.socketId;
      if (message.type === 'pong' && this.#pingSentAt !== null) {
        this.rttMs = Math.max(0, Math.round(performance.now() - this.#pingSentAt));
        this.#pingSentAt = null;
        this.pinging = false;
        if (this.#pongTimer) clearTimeout(this.#pongTimer);
        this.#pongTimer = null;
      }
      this.#options.onMessage(message);
    };
    const onClose = (event: CloseEvent) => {
      if (this.#socket !== socket) return;
      const wasConnected = this.phase === 'connected';
      this.#socket = null;
      this.#options.onLog(wasConnected ? 'warn' : 'error', wasConnected ? `Disconnected (code ${event.code})` : 'Could not connect');
      this.#afterClose(wasConnected);
    };
    const dispatch = (event: Event) => {
      if (event.type === 'open') onOpen();
      else if (event.type === 'message') onMessage(event as MessageEvent);
      else if (event.type === 'close') onClose(event as CloseEvent);
    };
    // What the early socket already had happens now, in its order (each handler checks that the
    // socket is still the current one, so a close ends the replay): its opening and the message
    // right after it (the server's small greeting: socket id, clock) at once, the rest (the
    // snapshot) once the frame saying "Connected" is painted, so that frame does not wait for the
    // snapshot to be parsed and drawn (the first HTML already shows the same first page). Until
    // then the socket's new events queue behind those, in order.
    const events = early?.events ?? [];
    const opened = events.findIndex((event) => event.type === 'open');
    const now = opened === -1 ? events.length : events[opened + 1]?.type === 'message' ? opened + 2 : opened + 1;
    let backlog: Event[] | null = now < events.length ? events.slice(now) : null;
    socket.onopen = (event: Event) => (backlog ? backlog.push(event) : onOpen());
    socket.onmessage = (event: MessageEvent) => (backlog ? backlog.push(event) : onMessage(event));
    socket.onclose = (event: CloseEvent) => (backlog ? backlog.push(event) : onClose(event));
    for (const event of events.slice(0, now)) dispatch(event);
    if (backlog) {
      afterNextPaint(() => {
        const queued = backlog ?? [];
        backlog = null;
        for (const event of queued) dispatch(event);
      });
    }
  }

  /** Gives up on a socket that stopped answering, without waiting for its close handshake. */
  #drop(socket: WebSocket, reason: string): void {
    if (this.#socket !== socket) return;
    this.#socket = null;
    socket.onclose = socket.onmessage = socket.onopen = socket.onerror = null;
    try {
      socket.close(4000, 'unresponsive');
    } catch {
      // already closing
    }
    this.#options.onLog('warn', reason);
    this.#afterClose(true);
  }

  #afterClose(wasConnected: boolean): void {
    this.socketId = null;
    this.pinging = false;
    this.#pingSentAt = null;
    if (wasConnected) this.#options.onChange?.('waiting');
    if (this.#running) this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    this.#clearTimers();
    const delay = reconnectDelay(this.failures, this.#options.reconnect ?? DEFAULT_RECONNECT);
    this.failures += 1;
    this.retryAt = Date.now() + delay;
    this.phase = typeof navigator !== 'undefined' && navigator.onLine === false ? 'offline' : 'waiting';
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#running) this.#open();
    }, delay);
  }

  #clearTimers(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#pongTimer) clearTimeout(this.#pongTimer);
    this.#retryTimer = null;
    this.#pongTimer = null;
  }
}
