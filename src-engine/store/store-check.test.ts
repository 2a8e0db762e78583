import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { damage, fileHash, writeRealDatabase, type Damage } from '../test-support/store-faults.js';
import { SqliteTaskStore } from './sqlite-task-store.js';

/** A real 300-task database, written once and copied for each case. */
let original: string;
beforeAll(async () => {
  original = join(mkdtempSync(join(tmpdir(), 'store-check-')), 'original.db');
  await writeRealDatabase(original, 300);
});

function damagedCopy(how: Damage): string {
  const dir = mkdtempSync(join(tmpdir(), `store-check-${how}-`));
  const path = join(dir, 'tasks.db');
  copyFileSync(original, path);
  damage(path, how);
  return path;
}

describe('the store is checked at open', () => {
  it.each<Damage>(['zeroed-pages', 'header', 'truncated'])('refuses a database with %s, untouched, saying what is wrong and what to do', (how) => {
    const path = damagedCopy(how);
    const before = fileHash(path);
    let refusal: unknown;
    try {
      SqliteTaskStore.open(path);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: 'ERR_STORE_DAMAGED' });
    const message = (refusal as Error).message;
    expect(message).toContain(path);
    expect(message).toMatch(/damaged|not a database/);
    expect(message).toContain('task-monitor recover --data-dir');
    expect(fileHash(path)).toBe(before);
    // The lock went with the refusal: a repaired file opens at once.
    copyFileSync(original, path);
    expect(SqliteTaskStore.open(path).loadAll()).toHaveLength(300);
  });

  it('opens the undamaged original with all its tasks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-check-ok-'));
    copyFileSync(original, join(dir, 'tasks.db'));
    const store = SqliteTaskStore.open(join(dir, 'tasks.db'));
    expect(store.loadAll()).toHaveLength(300);
    await store.close();
  });

  it('checks and reads a 50,000-task database fast (docs/durability.md: ~80 ms for the check, ~0.5 s the whole open; 10 s allowed on a loaded machine)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'store-check-50k-')), 'tasks.db');
    await writeRealDatabase(path, 50_000);
    const started = performance.now();
    const store = SqliteTaskStore.open(path);
    const elapsed = performance.now() - started;
    expect(store.loadAll()).toHaveLength(50_000);
    await store.close();
    expect(elapsed).toBeLessThan(10_000);
  }, 60_000);

  it('says a folder in place of tasks.db is a folder, not a database file (not "ConnectionFailed(… 14)")', () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-check-folder-'));
    mkdirSync(join(dir, 'tasks.db'));
    expect(() => SqliteTaskStore.open(join(dir, 'tasks.db'))).toThrow(expect.objectContaining({ code: 'ERR_STORE_OPEN', message: expect.stringContaining('is a folder, not a database file') }));
    expect(readdirSync(dir)).toEqual(['tasks.db']); // no lock left behind either
    expect(existsSync(join(dir, 'tasks.db-lock'))).toBe(false);
  });
});
