import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS, versionArgument, versionFromArgv } from '../shared/ipc-contract.js';

// The Electron seam: the preload's only import. The double records what reaches the page.
const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ enabled: false, urls: [], qrCodeDataUrl: null, pairingRequired: false })),
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: { invoke: electron.invoke, send: vi.fn(), on: vi.fn(), sendSync: vi.fn() },
}));

describe('preload', () => {
  beforeEach(async () => {
    electron.exposed.clear();
    electron.invoke.mockClear();
    vi.resetModules();
    process.argv.push(versionArgument('9.8.7'));
    try {
      await import('./index.js');
    } finally {
      process.argv.pop();
    }
  });

  it('exposes one object, window.taskMonitor, with the small API only', () => {
    expect([...electron.exposed.keys()]).toEqual(['taskMonitor']);
    const api = electron.exposed.get('taskMonitor') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['getLanShare', 'platform', 'setLanShare', 'showAbout', 'version']);
    expect(api['version']).toBe('9.8.7');
    expect(api['platform']).toBe(process.platform);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('never hands out ipcRenderer or a generic invoke', () => {
    const api = electron.exposed.get('taskMonitor') as Record<string, unknown>;
    for (const value of Object.values(api)) {
      expect(value).not.toBe(electron.invoke);
      expect(typeof value === 'object' && value !== null && 'invoke' in value).toBe(false);
    }
    expect(api).not.toHaveProperty('ipcRenderer');
    expect(api).not.toHaveProperty('invoke');
  });

  it('maps each method to its fixed channel', async () => {
    const api = electron.exposed.get('taskMonitor') as { showAbout(): Promise<void>; getLanShare(): Promise<unknown>; setLanShare(on: unknown): Promise<unknown> };
    await api.showAbout();
    await api.getLanShare();
    await api.setLanShare(true);
    await api.setLanShare('yes'); // a page passing junk still sends a boolean
    expect(electron.invoke.mock.calls).toEqual([[IPC_CHANNELS.showAbout], [IPC_CHANNELS.getLanShare], [IPC_CHANNELS.setLanShare, true], [IPC_CHANNELS.setLanShare, false]]);
  });

  it('showAbout resolves to nothing, whatever the main process answers', async () => {
    const api = electron.exposed.get('taskMonitor') as { showAbout(): Promise<unknown> };
    expect(await api.showAbout()).toBeUndefined();
  });
});

describe('version argument', () => {
  it('round-trips through the renderer command line', () => {
    expect(versionFromArgv(['/electron', '--type=renderer', versionArgument('1.0.0-beta.2')])).toBe('1.0.0-beta.2');
    expect(versionFromArgv(['/electron'])).toBe('0.0.0');
  });
});
