import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TaskDto } from '../protocol/messages.js';
import { SqliteTaskStore } from '../store/sqlite-task-store.js';
import { killAll, runCli } from '../test-support/cli-process.js';
import { getJson, postJson } from '../test-support/http.js';
import { MessageCollector } from '../test-support/message-collector.js';
import { damage, fileHash, writeRealDatabase, type Damage } from '../test-support/store-faults.js';

/**
 * The real `task-monitor` executable against a damaged database, a stale lock, a second server,
 * a clean stop and a graceful restart (issue #11, items 2, 3, 4, 7 and 8).
 */
afterEach(() => killAll());

const ARGS = ['--headless', '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn'];
let original: string;
beforeAll(async () => {
  original = join(mkdtempSync(join(tmpdir(), 'faults-original-')), 'tasks.db');
  await writeRealDatabase(original, 300);
});

function dataDir(): string {
  return mkdtempSync(join(tmpdir(), 'task-monitor-faults-'));
}

async function tasksOf(url: string, clientId: string): Promise<TaskDto[]> {
  return (await getJson(`${url}/api/tasks?clientId=${clientId}&limit=1000`)).body.items as TaskDto[];
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a damaged task database', () => {
  it.each<Damage>(['zeroed-pages', 'header', 'truncated'])(
    'with %s: exits non-zero within 10 s, file untouched, with a message naming it and the way out; recover salvages it',
    async (how) => {
      const dir = dataDir();
      const path = join(dir, 'tasks.db');
      copyFileSync(original, path);
      damage(path, how);
      const before = fileHash(path);
      const started = Date.now();
      const cli = runCli(ARGS, { TASK_MONITOR_DATA_DIR: dir });
      expect(await within(cli.exited, 10_000, 'exiting')).toBe(1);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(cli.output()).toContain(path);
      expect(cli.output()).toMatch(/damaged|not a database/);
      expect(cli.output()).toContain('task-monitor recover --data-dir');
      expect(cli.output()).not.toContain('listening');
      expect(cli.output()).not.toContain('SqliteError'); // a sentence, not a stack
      expect(fileHash(path)).toBe(before);

      const recover = runCli(['recover', '--data-dir', dir]);
      expect(await recover.exited).toBe(0);
      const recovered = Number(recover.output().match(/Recovered (\d+) task/)?.[1]);
      if (how !== 'header') expect(recovered).toBeGreaterThan(0); // the rest of the file is readable
      if (how === 'header') expect(recovered).toBe(300); // only the magic string was hit
      const aside = readdirSync(dir).find((name) => name.startsWith('tasks.db.damaged-'))!;
      expect(fileHash(join(dir, aside))).toBe(before);

      const server = runCli(ARGS, { TASK_MONITOR_DATA_DIR: dir });
      const url = await server.listening();
      expect(await tasksOf(url, 'faults')).toHaveLength(recovered);
      expect((await getJson(`${url}/health`)).body.status).toBe('Healthy');
    },
    40_000,
  );

  it('says a folder in place of tasks.db is a folder, not a database file', async () => {
    const dir = dataDir();
    mkdirSync(join(dir, 'tasks.db'));
    const cli = runCli(ARGS, { TASK_MONITOR_DATA_DIR: dir });
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain('is a folder, not a database file');
    expect(cli.output()).not.toContain('ConnectionFailed');
  });
});

describe('the data folder lock', () => {
  it('is not blocked by a stale lock file naming a live unrelated process', async () => {
    const dir = dataDir();
    const sleeper = spawn('sleep', ['60']);
    try {
      writeFileSync(join(dir, 'tasks.db.lock'), String(sleeper.pid)); // what an older version left
      const cli = runCli(ARGS, { TASK_MONITOR_DATA_DIR: dir });
      await cli.listening();
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('keeps two live servers apart (exit 1, a clear message), and a killed one never blocks the next start', async () => {
    const dir = dataDir();
    const first = runCli(ARGS, { TASK_MONITOR_DATA_DIR: dir });
    await first.listening();
    const second = runCli(ARGS, { TASK_MONITOR_DATA_DIR: dir });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`Another Task Monitor (process ${first.child.pid}) is using ${dir}`);
    first.child.kill('SIGKILL');
    await first.exited;
    const third = runCli(ARGS, { TASK_MONITOR_DATA_DIR: dir });
    await third.listening();
  });
});

describe('a clean stop', () => {
  it('leaves everything in tasks.db: after SIGTERM the WAL is empty, and a copy of tasks.db alone has every task', async () => {
    const dir = dataDir();
    const cli = runCli(ARGS, { TASK_MONITOR_DATA_DIR: dir });
    const url = await cli.listening();
    const socket = await MessageCollector.open(url, 'clean');
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) ids.push((await postJson(`${url}/api/task/start`, { name: `Clean ${i}`, duration: 1000, clientId: 'clean' })).body.taskId);
    for (const id of ids) await socket.waitForFinal(id, 30_000);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    const wal = join(dir, 'tasks.db-wal');
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    const copyDir = dataDir();
    copyFileSync(join(dir, 'tasks.db'), join(copyDir, 'tasks.db'));
    const copy = SqliteTaskStore.open(join(copyDir, 'tasks.db'));
    expect(copy.loadAll().filter((task) => task.state === 'completed').map((task) => task.id).sort()).toEqual([...ids].sort());
    await copy.close();
  }, 60_000);

  it('puts running tasks back in the queue when the grace period ends; they run again at the next start, at no attempt cost', async () => {
    const dir = dataDir();
    const args = [...ARGS, '--grace-ms', '200', '--concurrency', '2'];
    const first = runCli(args, { TASK_MONITOR_DATA_DIR: dir });
    const url = await first.listening();
    const socket = await MessageCollector.open(url, 'restart');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await postJson(`${url}/api/task/start`, { name: `Long ${i}`, duration: 3000, clientId: 'restart' })).body.taskId);
    await socket.waitFor((m) => m.type === 'taskProgress' && m.data.id === ids[1] && m.data.state === 'running', 'two running', 15_000);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const lastSeen = (id: string) => socket.ofType('taskProgress').filter((m) => m.data.id === id).at(-1)!.data;
    expect(lastSeen(ids[0]!)).toMatchObject({ state: 'queued' }); // told it goes back to the queue, not Cancelled

    const second = runCli(args, { TASK_MONITOR_DATA_DIR: dir });
    const url2 = await second.listening();
    for (let i = 0; i < 200; i++) {
      const tasks = await tasksOf(url2, 'restart');
      if (tasks.length === 3 && tasks.every((task) => task.state === 'completed')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const tasks = await tasksOf(url2, 'restart');
    expect(tasks.map((task) => [task.state, task.attempt])).toEqual([
      ['completed', 1],
      ['completed', 1],
      ['completed', 1],
    ]);
  }, 60_000);
});

describe('task-monitor recover', () => {
  it('does nothing to a healthy database, and refuses to run beside a server', async () => {
    const dir = dataDir();
    copyFileSync(original, join(dir, 'tasks.db'));
    const before = fileHash(join(dir, 'tasks.db'));
    const healthy = runCli(['recover', '--data-dir', dir]);
    expect(await healthy.exited).toBe(0);
    expect(healthy.output()).toContain('is not damaged: nothing to recover');
    expect(fileHash(join(dir, 'tasks.db'))).toBe(before);

    const server = runCli(ARGS, { TASK_MONITOR_DATA_DIR: dir });
    await server.listening();
    const beside = runCli(['recover', '--data-dir', dir]);
    expect(await beside.exited).toBe(1);
    expect(beside.output()).toContain('Another Task Monitor');
  }, 30_000);
});

describe('task-monitor backup', () => {
  it('copies a running server’s database into one consistent file, and never overwrites', async () => {
    const dir = dataDir();
    const cli = runCli(ARGS, { TASK_MONITOR_DATA_DIR: dir });
    const url = await cli.listening();
    const socket = await MessageCollector.open(url, 'backup');
    const ids: string[] = [];
    for (let i = 0; i < 16; i++) ids.push((await postJson(`${url}/api/task/start`, { name: `Keep ${i}`, duration: 1000, clientId: 'backup' })).body.taskId);
    for (const id of ids) await socket.waitForFinal(id, 30_000);
    const file = join(dataDir(), 'backup.db');
    const backup = runCli(['backup', file, '--data-dir', dir]);
    expect(await backup.exited).toBe(0);
    expect(backup.output()).toContain(`Backed up 16 task(s)`);
    expect((await getJson(`${url}/health`)).body.status).toBe('Healthy'); // the server never noticed
    const restored = dataDir();
    copyFileSync(file, join(restored, 'tasks.db'));
    const copy = SqliteTaskStore.open(join(restored, 'tasks.db'));
    expect(copy.loadAll().map((task) => task.id).sort()).toEqual([...ids].sort());
    await copy.close();
    const again = runCli(['backup', file, '--data-dir', dir]);
    expect(await again.exited).toBe(1);
    expect(again.output()).toContain('already exists');
  }, 60_000);
});
