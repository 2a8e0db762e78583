import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseSettings, SettingsStore } from './desktop-settings.js';
import { readJsonFile, writeJsonFile } from './json-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'task-monitor-settings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseSettings', () => {
  it('keeps LAN sharing off unless it is literally true', () => {
    expect(DEFAULT_SETTINGS).toEqual({ lanShare: false });
    expect(parseSettings({ lanShare: true })).toEqual({ lanShare: true });
    for (const raw of [undefined, null, 'x', [], { lanShare: 'true' }, { lanShare: 1 }, {}]) expect(parseSettings(raw)).toEqual({ lanShare: false });
  });
});

describe('SettingsStore', () => {
  it('starts from the defaults and persists changes', async () => {
    const file = join(dir, 'nested', 'settings.json');
    const store = await SettingsStore.open(file);
    expect(store.get()).toEqual({ lanShare: false });
    await store.update({ lanShare: true });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ lanShare: true });
    expect((await SettingsStore.open(file)).get()).toEqual({ lanShare: true });
  });

  it('survives a corrupt file', async () => {
    const file = join(dir, 'settings.json');
    await writeFile(file, '{"lanShare": tru');
    expect((await SettingsStore.open(file)).get()).toEqual({ lanShare: false });
  });
});

describe('json files', () => {
  it('reads missing or broken files as undefined', async () => {
    expect(await readJsonFile(join(dir, 'missing.json'))).toBeUndefined();
    await writeFile(join(dir, 'broken.json'), 'not json');
    expect(await readJsonFile(join(dir, 'broken.json'))).toBeUndefined();
  });

  it('writes atomically, leaving no temporary file', async () => {
    const file = join(dir, 'state.json');
    await writeJsonFile(file, { a: 1 });
    await writeJsonFile(file, { a: 2 });
    expect(await readJsonFile(file)).toEqual({ a: 2 });
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(dir)).toEqual(['state.json']);
  });
});
