import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The per-user data folder where the launcher keeps its database (and pairing state), following
 * each platform's convention: XDG on Linux, Application Support on macOS, %APPDATA% on Windows.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (platform === 'win32') return join(env['APPDATA'] || join(home, 'AppData', 'Roaming'), 'task-monitor');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'task-monitor');
  return join(env['XDG_DATA_HOME'] || join(home, '.local', 'share'), 'task-monitor');
}

/** File name of the task database inside the data folder. */
export const DATABASE_FILE = 'tasks.db';
