/** Stable codes of the ways a launch can fail. */
export type LaunchErrorCode = 'ERR_PORT_IN_USE' | 'ERR_ADDRESS_UNAVAILABLE' | 'ERR_PORT_FORBIDDEN' | 'ERR_JOBS_FILE' | 'ERR_REDIS_UNREACHABLE';

/** A launch failure with a stable code and a message that says what to do about it. */
export class LaunchError extends Error {
  constructor(
    readonly code: LaunchErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LaunchError';
  }
}

/** Turns a listen() failure into a {@link LaunchError} a person can act on; other errors pass through. */
export function explainListenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new LaunchError('ERR_PORT_IN_USE', `Port ${port} on ${host} is already in use. Stop the program using it, or choose another port with --port (or TASK_MONITOR_PORT).`, { cause: error });
  }
  if (code === 'EADDRNOTAVAIL') {
    return new LaunchError('ERR_ADDRESS_UNAVAILABLE', `Cannot listen on ${host}: this machine has no such address. Check --host (or TASK_MONITOR_HOST).`, { cause: error });
  }
  if (code === 'EACCES') {
    return new LaunchError('ERR_PORT_FORBIDDEN', `Not allowed to listen on port ${port}; ports below 1024 usually need privileges. Choose another with --port.`, { cause: error });
  }
  return error;
}
