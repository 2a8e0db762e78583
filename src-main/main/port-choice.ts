/** What listening needs to know about the address; the rest of the options pass through. */
export interface ListenOptions {
  readonly host: string;
  readonly port: number;
}

/** The outcome of {@link listenWithFallback}. */
export interface PortChoice<M> {
  readonly monitor: M;
  /** The port asked for. */
  readonly requestedPort: number;
  /** True when that port was taken and the OS chose another. */
  readonly fellBack: boolean;
}

/** Whether a start failed only because the port is taken (engine's LaunchError code). */
export function isPortInUse(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ERR_PORT_IN_USE';
}

/**
 * Starts the server on the requested port and, when `fallback` is on and that port is taken,
 * once more on port 0 so the OS picks a free one. The desktop app falls back (on macOS, AirPlay
 * Receiver holds 5000, and the window just needs *a* port: it loads whichever was bound); the
 * headless mode does not, so it fails exactly like the Node launcher.
 */
export async function listenWithFallback<O extends ListenOptions, M extends { port: number }>(
  start: (options: O) => Promise<M>,
  options: O,
  { fallback }: { fallback: boolean },
): Promise<PortChoice<M>> {
  try {
    return { monitor: await start(options), requestedPort: options.port, fellBack: false };
  } catch (error) {
    if (!fallback || options.port === 0 || !isPortInUse(error)) throw error;
  }
  return { monitor: await start({ ...options, port: 0 }), requestedPort: options.port, fellBack: true };
}

/** The notice shown (and logged) after a fallback. */
export function portFallbackNotice(requestedPort: number, actualPort: number): string {
  return `Port ${requestedPort} is in use by another program, so Background Task Monitor is using port ${actualPort} instead.`;
}
