/**
 * The last line of defence of a long-running server process: an error nobody handled (an
 * `'error'` event without a listener, a throw in a callback, a rejected promise nobody awaited)
 * would otherwise kill the process at once, leaving tasks, sockets and the database lock behind.
 *
 * Errors that belong to one connection or one file (a peer that went away, a file that vanished)
 * are logged and survived: the request they served is lost, the server is not. Anything else means
 * the program is in a state nobody planned for, so it stops cleanly: it logs, releases what it
 * holds (`shutdown`, typically `monitor.close()`, bounded by a timeout), and exits non-zero so a
 * supervisor restarts it.
 *
 * Pure Node: the Electron main process can install it too (pass its own `exit`).
 */

/** The part of `process` the guard listens to; tests pass an EventEmitter. */
export interface GuardedProcess {
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  off(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  off(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

/** Options of {@link installProcessGuard}. */
export interface ProcessGuardOptions {
  /** Where the guard reports; `fatal` is followed by the shutdown. */
  log(level: 'warn' | 'fatal', message: string, error: unknown): void;
  /** Releases the store, its lock and the port (`monitor.close()`); may be undefined before start. */
  shutdown?: () => Promise<void>;
  /** Time `shutdown` gets before the process exits anyway. Default 5 s. */
  shutdownTimeoutMs?: number;
  /** Exit code after a fatal error. Default 1. */
  exitCode?: number;
  /** Ends the process. Default `process.exit`. */
  exit?: (code: number) => void;
  /** The process to guard. Default `process`. */
  target?: GuardedProcess;
}

/**
 * Error codes of failures scoped to one connection, stream or file: the peer reset or went away,
 * a write after the other side closed, a file that is gone.
 */
const SURVIVABLE_CODES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNABORTED',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ECANCELED',
  'ENOENT',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
  'ERR_STREAM_ALREADY_FINISHED',
  'ERR_HTTP_HEADERS_SENT',
  'ERR_SOCKET_CLOSED',
  'WS_ERR_INVALID_CLOSE_CODE',
]);

/** Whether an unhandled error concerns only one connection, stream or file (see {@link SURVIVABLE_CODES}). */
export function isSurvivable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && SURVIVABLE_CODES.has(code);
}

/** Installs the guard; answers the function that removes it. */
export function installProcessGuard(options: ProcessGuardOptions): () => void {
  const target: GuardedProcess = options.target ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const timeoutMs = options.shutdownTimeoutMs ?? 5000;
  let stopping = false;

  const fatal = (what: string, error: unknown): void => {
    if (stopping) {
      // A second fatal error while releasing: the release itself may be what fails.
      options.log('fatal', `${what} during the emergency stop: exiting now`, error);
      return exit(options.exitCode ?? 1);
    }
    stopping = true;
    options.log('fatal', `${what}: stopping the server`, error);
    const released = options.shutdown ? options.shutdown().catch((shutdownError: unknown) => options.log('fatal', 'could not release everything at the emergency stop', shutdownError)) : Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        options.log('fatal', `the emergency stop took longer than ${timeoutMs} ms: exiting without waiting`, undefined);
        resolve();
      }, timeoutMs);
      timer.unref?.();
    });
    void Promise.race([released, timedOut]).then(() => {
      clearTimeout(timer);
      exit(options.exitCode ?? 1);
    });
  };

  const onException = (error: Error): void => {
    if (isSurvivable(error)) return options.log('warn', 'an unhandled error of one connection or file was ignored', error);
    fatal('unhandled error', error);
  };
  const onRejection = (reason: unknown): void => {
    if (isSurvivable(reason)) return options.log('warn', 'an unhandled rejection of one connection or file was ignored', reason);
    fatal('unhandled promise rejection', reason);
  };
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}
