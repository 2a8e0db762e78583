import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import Database from 'libsql';

/** A held lock; `release` lets it go (idempotent). The OS also lets it go when the process dies. */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** Why a lock could not be taken: another live process holds it. */
export class DataDirLockedError extends Error {
  readonly code = 'ERR_DATA_DIR_LOCKED';
  constructor(
    readonly path: string,
    /** The holder's pid as it recorded it, when readable (informational only). */
    readonly ownerPid: number | undefined,
  ) {
    super(`Another Task Monitor${ownerPid ? ` (process ${ownerPid})` : ''} is using ${path.replace(/[\\/][^\\/]*$/, '')}. Stop it, or give this one its own --data-dir.`);
    this.name = 'DataDirLockedError';
  }
}

/**
 * Takes an exclusive lock beside the database so that two processes (say the desktop app and a
 * headless server) never share one: each would treat the other's running tasks as interrupted
 * and run them again.
 *
 * The lock is SQLite's own: a small side database held in `locking_mode=EXCLUSIVE` after one
 * write, i.e. an OS file lock (fcntl on Unix, LockFileEx on Windows) that the kernel drops when
 * the process dies, however it dies. A pid file could not tell a dead holder from a live process
 * that was given the same pid after a reboot, and blocked the start (issue #11). It is a side file,
 * not the task database itself, so that `task-monitor backup` can still read a running server's
 * database. The holder's pid is written as the side database's `user_version` (bytes 60-63 of
 * its header), only so that the refusal can name it.
 *
 * `legacyPidFile`, the lock file of earlier versions, is removed once the new lock is held: it
 * only ever meant something to them.
 */
export function lockDataDir(lockPath: string, options: { legacyPidFile?: string } = {}): DataDirLock {
  let db: Database.Database | undefined;
  try {
    db = new Database(lockPath);
    // journal_mode=MEMORY: the one write needs no -journal file beside it.
    db.exec(`PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY;
             BEGIN EXCLUSIVE; PRAGMA user_version = ${process.pid}; COMMIT;`);
  } catch (error) {
    db?.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirLockedError(lockPath, readHolderPid(lockPath));
    throw error;
  }
  if (options.legacyPidFile) rmSync(options.legacyPidFile, { force: true });
  let held: Database.Database | undefined = db;
  return {
    path: lockPath,
    release: () => {
      held?.close();
      held = undefined;
    },
  };
}

/** The pid the holder wrote into the lock database's header (`user_version`), if readable. */
function readHolderPid(lockPath: string): number | undefined {
  try {
    const fd = openSync(lockPath, 'r');
    try {
      const bytes = Buffer.alloc(4);
      if (readSync(fd, bytes, 0, 4, 60) !== 4) return undefined;
      const pid = bytes.readUInt32BE(0);
      return pid > 0 ? pid : undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
