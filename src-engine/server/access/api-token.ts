import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './atomic-file.js';
import { newSecret } from './secret.js';

/** Name of the API token file in the data folder. */
export const TOKEN_FILE = 'token';

/** Shortest token accepted from `--token` / TASK_MONITOR_TOKEN: a short token could be guessed. */
export const MIN_TOKEN_LENGTH = 16;

/** Longest token accepted; anything longer is a mistake (a pasted file, a key). */
export const MAX_TOKEN_LENGTH = 512;

/** Why a configured token is unusable, or undefined when it is fine. */
export function tokenProblem(token: string): string | undefined {
  if (token.length < MIN_TOKEN_LENGTH) return `the token must be at least ${MIN_TOKEN_LENGTH} characters long`;
  if (token.length > MAX_TOKEN_LENGTH) return `the token must be at most ${MAX_TOKEN_LENGTH} characters long`;
  // It travels in an HTTP header: visible ASCII only, no spaces.
  if (!/^[\x21-\x7e]+$/.test(token)) return 'the token may contain visible ASCII characters only (no spaces)';
  return undefined;
}

/** The API token and where it came from. */
export interface ApiTokenSource {
  token: string;
  /** The file it is kept in, when it comes from the data folder. */
  file?: string;
  /** Something the operator should know (a file whose permissions were repaired). */
  warning?: string;
}

/**
 * The long-lived API token (`Authorization: Bearer ...`), kept in `DATA_DIR/token`, mode 0600,
 * created with a random value at first start. A token given explicitly (`--token`) wins and is
 * not written anywhere. Throws when the file exists but cannot be read: starting with a different
 * token than the operator's scripts use would be a silent surprise.
 */
export function loadOrCreateApiToken(dataDir: string): ApiTokenSource {
  const file = join(dataDir, TOKEN_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text === undefined) {
    ensurePrivateDir(dataDir);
    const token = newSecret(32);
    // 'wx': never overwrite a token another process created meanwhile.
    writeFileSync(file, `${token}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    return { token, file };
  }
  const token = text.trim();
  const problem = tokenProblem(token);
  if (problem) throw new Error(`The API token in ${file} is not usable: ${problem}. Delete the file to get a new one.`);
  let warning: string | undefined;
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    chmodSync(file, PRIVATE_FILE_MODE);
    warning = `${file} was readable by other users; its mode is now 0600. Consider replacing the token (delete the file and restart).`;
  }
  return { token, file, ...(warning ? { warning } : {}) };
}
