/**
 * The contract between the main process and the preload: channel names, the shapes that cross
 * them, and the API the window sees as `window.taskMonitor`. Imported by both sides (types and
 * constants only), so a renamed channel is a compile error rather than a silent no-op.
 */

/** IPC channels the page calls, all `invoke`/`handle` (request and answer). */
export const IPC_CHANNELS = {
  showAbout: 'task-monitor:show-about',
  getLanShare: 'task-monitor:get-lan-share',
  setLanShare: 'task-monitor:set-lan-share',
} as const;

/** One of {@link IPC_CHANNELS}. */
export type IpcChannel = (typeof IPC_CHANNELS)[keyof typeof IPC_CHANNELS];

/**
 * Channels the main process pushes on (`webContents.send`), only to the app's own page. The
 * preload turns each into a callback that receives the payload alone, never the IPC event.
 */
export const IPC_EVENTS = {
  /** A new {@link LanShareState} without the page asking: the pairing code was spent. */
  lanShareChanged: 'task-monitor:lan-share-changed',
} as const;

/** What the "Share on LAN" setting looks like to the page. */
export interface LanShareState {
  /** The persisted setting: the server listens on every interface when true. */
  readonly enabled: boolean;
  /**
   * The plain addresses of the monitor on the network (`http://192.168.1.20:5000`), one per
   * address other devices can reach, the likeliest LAN address first; empty when sharing is off.
   * A device that opens one without having paired is refused: it needs {@link pairingUrl} once.
   */
  readonly urls: readonly string[];
  /**
   * The one-time link that pairs a device, on the first of {@link urls}
   * (`http://192.168.1.20:5000/pair?code=…`); null when sharing is off or no address is
   * reachable. It works once: after a device pairs, a new one is pushed (`onLanShareChange`).
   */
  readonly pairingUrl: string | null;
  /** A QR code of {@link pairingUrl} as a `data:image/png` URL, or null. */
  readonly qrCodeDataUrl: string | null;
  /**
   * Whether devices on the LAN must pair (one-time code, then a device cookie) before they can
   * use the monitor. Always true: the engine's access layer lets in only loopback without
   * credentials.
   */
  readonly pairingRequired: boolean;
  /** Set when the last change did not happen (the new address could not be used). */
  readonly notice?: string;
}

/**
 * `window.taskMonitor`: the whole surface the desktop app adds to the page. Small on purpose:
 * every request is validated by the main process (sender origin, argument types), and the one
 * push ({@link IPC_EVENTS}) goes only to the app's own page.
 */
export interface TaskMonitorDesktopApi {
  /** The app version, e.g. `0.1.0`. */
  readonly version: string;
  /** `process.platform` of the desktop app: `darwin`, `win32`, `linux`, ... */
  readonly platform: string;
  /** Opens the native About box. */
  showAbout(): Promise<void>;
  /** The current "Share on LAN" state. */
  getLanShare(): Promise<LanShareState>;
  /**
   * Turns "Share on LAN" on or off. The server moves to the new address without stopping
   * (running tasks and open connections carry on); the answer is the state after that.
   */
  setLanShare(enabled: boolean): Promise<LanShareState>;
  /**
   * Calls `listener` with the new state whenever it changes without the page asking (the
   * pairing link was used, so there is a new one and a new QR code). Answers the unsubscribe.
   */
  onLanShareChange(listener: (state: LanShareState) => void): () => void;
}

/**
 * Prefix of the renderer command-line argument that carries the app version to the sandboxed
 * preload, which cannot read package.json or call `app.getVersion()` itself.
 */
export const VERSION_ARGUMENT_PREFIX = '--task-monitor-version=';

/** The `additionalArguments` entry that carries `version`. */
export function versionArgument(version: string): string {
  return `${VERSION_ARGUMENT_PREFIX}${version}`;
}

/** Reads the version back from the renderer's `process.argv`; `0.0.0` when absent. */
export function versionFromArgv(argv: readonly string[]): string {
  const arg = argv.find((value) => value.startsWith(VERSION_ARGUMENT_PREFIX));
  return arg ? arg.slice(VERSION_ARGUMENT_PREFIX.length) : '0.0.0';
}
