import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS, IPC_EVENTS, versionArgument, versionFromArgv, type LanShareState } from '../shared/ipc-contract.js';

// The Electron seam: the preload's only import. The double records what reaches the page.
const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ enabled: false, urls: [], pairingUrl: null, qrCodeDataUrl: null, pairingRequired: true })),
  listeners: new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>(),
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: {
    invoke: electron.invoke,
    send: vi.fn(),
    sendSync: vi.fn(),
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
      if (!electron.listeners.has(channel)) electron.listeners.set(channel, new Set());
      electron.listeners.get(channel)!.add(listener);
    },
    removeListener: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => void electron.listeners.get(channel)?.delete(listener),
  },
}));

/** The main process pushing on a channel, as ipcRenderer would deliver it. */
function push(channel: string, payload: unknown): void {
  const event = { sender: 'ipcRenderer itself', senderId: 0 };
  for (const listener of electron.listeners.get(channel) ?? []) listener(event, payload);
}

describe('preload', () => {
  beforeEach(async () => {
    electron.exposed.clear();
    electron.invoke.mockClear();
    electron.listeners.clear();
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
    expect(Object.keys(api).sort()).toEqual(['getLanShare', 'onLanShareChange', 'platform', 'setLanShare', 'showAbout', 'version']);
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

  it('hands pushed LAN share states to the page callback, without the IPC event, until unsubscribed', () => {
    const api = electron.exposed.get('taskMonitor') as { onLanShareChange(listener: unknown): () => void };
    const heard: unknown[][] = [];
    const unsubscribe = api.onLanShareChange((...args: unknown[]) => heard.push(args));
    const state: LanShareState = { enabled: true, urls: ['http://192.168.1.20:5000'], pairingUrl: 'http://192.168.1.20:5000/pair?code=next', qrCodeDataUrl: null, pairingRequired: true };
    push(IPC_EVENTS.lanShareChanged, state);
    push('task-monitor:something-else', state);
    expect(heard).toEqual([[state]]);
    unsubscribe();
    push(IPC_EVENTS.lanShareChanged, state);
    expect(heard).toHaveLength(1);
    expect(electron.listeners.get(IPC_EVENTS.lanShareChanged)?.size).toBe(0);
  });

  it('refuses a listener that is not a function', () => {
    const api = electron.exposed.get('taskMonitor') as { onLanShareChange(listener: unknown): () => void };
    expect(() => api.onLanShareChange('alert(1)')).toThrow(TypeError);
    expect(electron.listeners.size).toBe(0);
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
