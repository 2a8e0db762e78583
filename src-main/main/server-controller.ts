import type { EngineEvent, EngineListener } from '../../src-engine/engine/engine-events.js';
import type { TaskCounts } from '../../src-engine/engine/task-record.js';
import { windowUrlFor, originOf } from './app-origin.js';
import { listenWithFallback, type ListenOptions } from './port-choice.js';

/** The part of the engine's RunningTaskMonitor the desktop app uses. */
export interface MonitorLike {
  readonly host: string;
  readonly port: number;
  readonly engine: {
    subscribe(listener: EngineListener): () => void;
    counts(): TaskCounts;
  };
  /** Listens on another address, same port, without stopping anything; rejects (LaunchError) and stays put when it cannot. */
  rebind(host: string): Promise<void>;
  close(): Promise<void>;
}

/** Where the server is now. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  /** What the window loads (loopback even when bound to every interface). */
  readonly windowUrl: string;
  readonly origin: string;
}

/** Options of {@link ServerController}. */
export interface ServerControllerOptions<O extends ListenOptions, M extends MonitorLike> {
  /** `startTaskMonitor`, or a fake. */
  start(options: O): Promise<M>;
  /** Options of the first start; a later start (after a stop) changes the host only. */
  options: O;
  /** Whether a taken port falls back to a free one (the window mode) or fails (headless). */
  portFallback: boolean;
  /** Told when a start had to fall back to another port. */
  onPortFallback?(requestedPort: number, actualPort: number): void;
}

/**
 * Owns the running engine + server, so the rest of the app never holds a stale one: engine
 * listeners subscribed here follow every start, and the address is always the one bound now,
 * also after "Share on LAN" moved the listener ({@link rebind}).
 */
export class ServerController<O extends ListenOptions, M extends MonitorLike> {
  private monitor: M | undefined;
  private last: ServerAddress | undefined;
  private readonly listeners = new Set<EngineListener>();
  private unsubscribe: (() => void) | undefined;
  private options: O;

  constructor(private readonly settings: ServerControllerOptions<O, M>) {
    this.options = settings.options;
  }

  /** Starts the server; rejects like `startTaskMonitor` (LaunchError) when it cannot. */
  async start(host?: string): Promise<ServerAddress> {
    if (this.monitor) throw new Error('The server is already running');
    const options = host === undefined ? this.options : { ...this.options, host };
    const choice = await listenWithFallback(this.settings.start, options, { fallback: this.settings.portFallback });
    if (choice.fellBack) this.settings.onPortFallback?.(choice.requestedPort, choice.monitor.port);
    this.monitor = choice.monitor;
    // Keep the port: a later start should come back on the same origin, so the page's storage
    // and any LAN device's bookmark stay valid.
    this.options = { ...options, port: choice.monitor.port };
    this.unsubscribe = choice.monitor.engine.subscribe((event) => this.emit(event));
    return this.remember(choice.monitor);
  }

  /**
   * Moves the running server to `host` on the same port without stopping it: running tasks,
   * open connections and WebSockets carry on. Rejects like `monitor.rebind` (a LaunchError)
   * when the new address cannot be used, and then still listens where it did.
   */
  async rebind(host: string): Promise<ServerAddress> {
    const monitor = this.current();
    await monitor.rebind(host);
    this.options = { ...this.options, host };
    return this.remember(monitor);
  }

  /** Stops gracefully; a no-op when stopped. */
  async stop(): Promise<void> {
    const monitor = this.monitor;
    if (!monitor) return;
    this.monitor = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await monitor.close();
  }

  get running(): boolean {
    return this.monitor !== undefined;
  }

  /** The running monitor (its `app` logs, its engine); throws when stopped. */
  current(): M {
    if (!this.monitor) throw new Error('The server is not running');
    return this.monitor;
  }

  /**
   * The address of the running server, or of the last one once stopped (the window keeps that
   * origin); throws only before the first start.
   */
  address(): ServerAddress {
    if (!this.last) throw new Error('The server has not started');
    return this.last;
  }

  /** Task counts now; all zero while stopped. */
  counts(): TaskCounts {
    return this.monitor?.engine.counts() ?? { scheduled: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
  }

  /** Hears engine events of this and every later run. Answers an unsubscribe function. */
  subscribe(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private remember(monitor: M): ServerAddress {
    const windowUrl = windowUrlFor(monitor.host, monitor.port);
    this.last = { host: monitor.host, port: monitor.port, windowUrl, origin: originOf(windowUrl) ?? windowUrl };
    return this.last;
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One failing listener (a notification the OS refused) must not starve the others.
      }
    }
  }
}
