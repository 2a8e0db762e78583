import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/** A held lock; `release` removes it (idempotent). */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** Why a lock could not be taken: another live process holds it. */
export class DataDirLockedError extends Error {
  readonly code = 'ERR_DATA_DIR_LOCKED';
  constructor(
    readonly path: string,
    readonly ownerPid: number,
  ) {
    super(`Another Task Monitor (process ${ownerPid}) is using ${path}. Stop it, or give this one its own --data-dir.`);
    this.name = 'DataDirLockedError';
  }
}

/**
 * Takes an exclusive lock file beside the database so that two processes (say the desktop app
 * and a headless server) never share one: each would treat the other's running tasks as
 * interrupted and run them again. A lock left by a process that died (kill -9) is taken over.
 */
export function lockDataDir(lockPath: string, pid: number = process.pid): DataDirLock {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(pid));
      closeSync(fd);
      let held = true;
      return {
        path: lockPath,
        release: () => {
          if (held) rmSync(lockPath, { force: true });
          held = false;
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(lockPath);
      if (owner !== undefined && owner !== pid && isAlive(owner)) throw new DataDirLockedError(lockPath, owner);
      rmSync(lockPath, { force: true }); // stale: its process is gone
    }
  }
  throw new DataDirLockedError(lockPath, readOwner(lockPath) ?? -1);
}

function readOwner(lockPath: string): number | undefined {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, but not ours to signal
  }
}
