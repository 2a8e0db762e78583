import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TaskRecord } from '../engine/task-record.js';
import { damage, fileHash, writeRealDatabase, type Damage } from '../test-support/store-faults.js';
import { salvageTasks } from './salvage.js';
import { SqliteTaskStore } from './sqlite-task-store.js';

let original: string;
let tasks: TaskRecord[];
beforeAll(async () => {
  original = join(mkdtempSync(join(tmpdir(), 'salvage-original-')), 'tasks.db');
  tasks = await writeRealDatabase(original, 300);
});

describe('salvageTasks', () => {
  it.each<[Damage, number]>([
    ['zeroed-pages', 250],
    ['header', 300],
    ['truncated', 100],
  ])('gets the readable tasks out of a file with %s (at least %i of 300), each intact, without touching it', async (how, atLeast) => {
    const dir = mkdtempSync(join(tmpdir(), `salvage-${how}-`));
    const damaged = join(dir, 'damaged.db');
    copyFileSync(original, damaged);
    damage(damaged, how);
    const before = fileHash(damaged);
    const report = await salvageTasks(damaged, join(dir, 'tasks.db'));
    expect(fileHash(damaged)).toBe(before);
    expect(report.recovered).toBeGreaterThanOrEqual(atLeast);
    const store = SqliteTaskStore.open(join(dir, 'tasks.db')); // a healthy database: it passes the start-up check
    const salvaged = store.loadAll();
    await store.close();
    expect(salvaged).toHaveLength(report.recovered);
    const byId = new Map(tasks.map((task) => [task.id, task]));
    for (const task of salvaged) expect(task).toEqual(byId.get(task.id));
  });
});
