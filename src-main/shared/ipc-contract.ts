/**
 * The contract between the main process and the preload: channel names, the shapes that cross
 * them, and the API the window sees as `window.taskMonitor`. Imported by both sides (types and
 * constants only), so a renamed channel is a compile error rather than a silent no-op.
 */

/** IPC channels, all `invoke`/`handle` (request and answer; nothing is pushed to the page). */
export const IPC_CHANNELS = {
  showAbout: 'task-monitor:show-about',
  getLanShare: 'task-monitor:get-lan-share',
  setLanShare: 'task-monitor:set-lan-share',
} as const;

/** One of {@link IPC_CHANNELS}. */
export type IpcChannel = (typeof IPC_CHANNELS)[keyof typeof IPC_CHANNELS];

/** What the "Share on LAN" setting looks like to the page. */
export interface LanShareState {
  /** The persisted setting: the server listens on every interface when true. */
  readonly enabled: boolean;
  /** Addresses another device on the network can open (empty when sharing is off). */
  readonly urls: readonly string[];
  /** A QR code of the first address as a `data:image/png` URL, or null. */
  readonly qrCodeDataUrl: string | null;
  /**
   * Whether devices on the LAN must pair (one-time code, then a device cookie) before they can
   * use the monitor. True with the engine's access layer; were it false, anyone on the network
   * could reach the server while sharing is on.
   */
  readonly pairingRequired: boolean;
  /** Set when the last change did not happen (declined, or the server could not restart). */
  readonly notice?: string;
}

/**
 * `window.taskMonitor`: the whole surface the desktop app adds to the page. Small on purpose;
 * every method is a request the main process validates (sender origin, argument types).
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
   * Turns "Share on LAN" on or off. The main process may ask the user first (tasks running, no
   * pairing yet) and restarts the server; the answer is the state after that.
   */
  setLanShare(enabled: boolean): Promise<LanShareState>;
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
