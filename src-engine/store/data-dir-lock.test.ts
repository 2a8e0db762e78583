import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.js';

function lockPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'lock-')), 'tasks.db.lock');
}

describe('lockDataDir', () => {
  it('refuses a second holder while the first lives, and allows one after release', () => {
    const path = lockPath();
    const first = lockDataDir(path, process.pid);
    expect(() => lockDataDir(path, process.pid + 1)).toThrow(DataDirLockedError);
    first.release();
    expect(existsSync(path)).toBe(false);
    lockDataDir(path, process.pid + 1).release();
  });

  it('says which process holds it and what to do', () => {
    const path = lockPath();
    const lock = lockDataDir(path);
    try {
      lockDataDir(path, process.pid + 1);
    } catch (error) {
      expect(error).toMatchObject({ code: 'ERR_DATA_DIR_LOCKED', ownerPid: process.pid });
      expect((error as Error).message).toContain('--data-dir');
    }
    lock.release();
  });

  it('takes over a lock left by a process that died', () => {
    const path = lockPath();
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    writeFileSync(path, String(dead));
    const lock = lockDataDir(path);
    expect(lock.path).toBe(path);
    lock.release();
  });
});
