import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../launcher/project-root.js';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.js';

function lockPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'lock-')), 'tasks.db-lock');
}

/** Another process that takes the lock, says so, and holds it until killed. */
function holderProcess(path: string) {
  const script = `import('libsql').then(({ default: Database }) => {
    const db = new Database(${JSON.stringify(path)});
    db.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY; BEGIN EXCLUSIVE; PRAGMA user_version = ' + process.pid + '; COMMIT;');
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);
  });`;
  const child = spawn(process.execPath, ['-e', script], { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'inherit'] });
  const locked = new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, locked, exited };
}

describe('lockDataDir', () => {
  it('refuses a second holder while the first holds it, and allows one after release', () => {
    const path = lockPath();
    const first = lockDataDir(path);
    expect(() => lockDataDir(path)).toThrow(DataDirLockedError);
    first.release();
    lockDataDir(path).release();
  });

  it('refuses while another live process holds it, naming that process and what to do', async () => {
    const path = lockPath();
    const holder = holderProcess(path);
    try {
      await holder.locked;
      let refusal: unknown;
      try {
        lockDataDir(path).release();
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toMatchObject({ code: 'ERR_DATA_DIR_LOCKED', ownerPid: holder.child.pid });
      expect((refusal as Error).message).toContain('--data-dir');
    } finally {
      holder.child.kill('SIGKILL');
    }
  });

  it('is free again as soon as its holder is killed (the OS drops the lock), whatever pid comes next', async () => {
    const path = lockPath();
    const holder = holderProcess(path);
    await holder.locked;
    holder.child.kill('SIGKILL');
    await holder.exited;
    lockDataDir(path).release();
  });

  it('ignores and removes an old-style pid file, even one naming a live unrelated process', () => {
    const path = lockPath();
    const legacy = path.replace(/-lock$/, '.lock');
    writeFileSync(legacy, String(process.ppid)); // alive, and no Task Monitor
    const lock = lockDataDir(path, { legacyPidFile: legacy });
    expect(existsSync(legacy)).toBe(false);
    lock.release();
  });
});
