import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Mode of every secret-bearing file: read and write for the owner only. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Replaces a file's content atomically: the text goes to a temporary file beside it (created
 * owner-only, never readable by others even for an instant), is flushed to disk, then renamed
 * over the target. A crash or a full disk leaves either the old file or the new one, never half.
 */
export async function writeFileAtomic(file: string, text: string, mode: number = PRIVATE_FILE_MODE): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** Creates a folder (and its parents) for private state, owner-only when it is new. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}
