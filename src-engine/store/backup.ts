import { existsSync } from 'node:fs';
import Database from 'libsql';
import { describeStoreError, StoreError } from './store-error.js';

/**
 * A consistent copy of the task database at `sourcePath` in the new file `targetPath`, made with
 * `VACUUM INTO` through a plain read connection: it needs no lock, so it works while a server
 * runs (WAL lets it read one committed state while the server keeps writing), and the copy is a
 * single self-contained file (no -wal). Returns the number of tasks copied.
 */
export function backupDatabase(sourcePath: string, targetPath: string): number {
  if (!existsSync(sourcePath)) throw new StoreError('ERR_STORE_OPEN', `There is no task database at ${sourcePath}. Check --data-dir.`);
  if (existsSync(targetPath)) throw new StoreError('ERR_STORE_WRITE', `${targetPath} already exists; choose a new file name (a backup never overwrites).`);
  let db: Database.Database | undefined;
  try {
    db = new Database(sourcePath);
    db.exec('PRAGMA busy_timeout = 5000');
    db.prepare('VACUUM INTO ?').run(targetPath);
  } catch (error) {
    throw new StoreError('ERR_STORE_WRITE', `Cannot back up ${sourcePath} to ${targetPath}: ${describeStoreError(error)}`, { cause: error });
  } finally {
    db?.close();
  }
  const copy = new Database(targetPath);
  try {
    const check = (copy.prepare('PRAGMA quick_check').get() as { quick_check: string }).quick_check;
    if (check !== 'ok') throw new StoreError('ERR_STORE_DAMAGED', `The backup ${targetPath} does not check out (${check}); the source may be damaged.`);
    return (copy.prepare('SELECT count(*) AS n FROM tasks').get() as { n: number }).n;
  } finally {
    copy.close();
  }
}
