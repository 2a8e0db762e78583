import { existsSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { backupDatabase } from '../store/backup.js';
import { lockDataDir, DataDirLockedError } from '../store/data-dir-lock.js';
import { salvageTasks, removeDatabase } from '../store/salvage.js';
import { SqliteTaskStore } from '../store/sqlite-task-store.js';
import { StoreError } from '../store/store-error.js';
import { DATABASE_FILE, defaultDataDir } from './data-dir.js';

/** The maintenance subcommands: `task-monitor backup FILE` and `task-monitor recover`. */
export const STORE_COMMANDS = ['backup', 'recover'] as const;

/** Help lines of the subcommands, for `--help`. */
export const STORE_COMMANDS_HELP = [
  'Maintenance:',
  '  task-monitor backup FILE [--data-dir DIR]   Consistent copy of the task database, also of a running server',
  '  task-monitor recover [--data-dir DIR]       Salvage a damaged task database (the damaged file is kept aside)',
].join('\n');

/** Runs a maintenance subcommand; answers its exit code (0 done, 1 failed, 2 bad usage). */
export async function runStoreCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let values: { 'data-dir'?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...argv], options: { 'data-dir': { type: 'string' } }, strict: true, allowPositionals: true }));
  } catch (error) {
    return usage((error as Error).message);
  }
  const [command, ...rest] = positionals;
  const dataDir = values['data-dir'] ?? (env['TASK_MONITOR_DATA_DIR'] || defaultDataDir(env));
  const database = join(dataDir, DATABASE_FILE);
  try {
    if (command === 'backup') {
      if (rest.length !== 1) return usage('backup takes one FILE to write the copy to');
      const target = resolve(rest[0]!);
      const count = backupDatabase(database, target);
      process.stdout.write(`Backed up ${count} task(s) from ${database} to ${target}\n`);
      return 0;
    }
    if (rest.length !== 0) return usage(`recover takes no file name (got '${rest.join(' ')}'); the database is the one in --data-dir`);
    return await recover(dataDir, database);
  } catch (error) {
    if (error instanceof StoreError || error instanceof DataDirLockedError) {
      process.stderr.write(`task-monitor ${command}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/**
 * Salvages a damaged database: every readable task goes into a new file, which then takes the
 * database's place; the damaged file (and its -wal) is kept aside as `tasks.db.damaged-<time>`.
 * Holds the data folder's lock throughout, so it never runs beside a server.
 */
async function recover(dataDir: string, database: string): Promise<number> {
  if (!existsSync(database)) throw new StoreError('ERR_STORE_OPEN', `There is no task database at ${database}: nothing to recover. Check --data-dir.`);
  // Opened as a server would open it: refused if a server holds it, done if nothing is damaged.
  if (await isHealthy(database)) {
    process.stdout.write(`${database} is not damaged: nothing to recover.\n`);
    return 0;
  }
  const lock = lockDataDir(`${database}-lock`);
  try {
    const fresh = `${database}.recovering`;
    removeDatabase(fresh);
    const { recovered, skipped } = await salvageTasks(database, fresh);
    const aside = `${database}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['-wal', '-shm', '']) if (existsSync(`${database}${suffix}`)) renameSync(`${database}${suffix}`, `${aside}${suffix}`);
    renameSync(fresh, database);
    process.stdout.write(
      `Recovered ${recovered} task(s) into ${database}${skipped ? ` (${skipped} unreadable row(s) skipped)` : ''}. ` +
        `The damaged file is kept as ${aside}. Start Task Monitor as usual (--data-dir ${dataDir}).\n`,
    );
    return 0;
  } finally {
    lock.release();
  }
}

/** Whether the database opens and checks out (the very check a start runs). */
async function isHealthy(database: string): Promise<boolean> {
  let store: SqliteTaskStore;
  try {
    store = SqliteTaskStore.open(database);
  } catch (error) {
    if (error instanceof StoreError && error.code === 'ERR_STORE_DAMAGED') return false;
    throw error;
  }
  await store.close();
  return true;
}

function usage(message: string): number {
  process.stderr.write(`task-monitor: ${message}\n\n${STORE_COMMANDS_HELP}\n`);
  return 2;
}
