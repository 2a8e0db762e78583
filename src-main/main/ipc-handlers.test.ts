import { describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS, type LanShareState } from '../shared/ipc-contract.js';
import type { SenderFrame } from './ipc-sender.js';
import { registerIpcHandlers, UntrustedSenderError, type DesktopActions, type IpcMainLike } from './ipc-handlers.js';

const ORIGIN = 'http://127.0.0.1:5000';
const STATE: LanShareState = { enabled: false, urls: [], qrCodeDataUrl: null, pairingRequired: false };

function setup() {
  const handlers = new Map<string, (event: { senderFrame: SenderFrame | null }, ...args: unknown[]) => unknown>();
  const ipc: IpcMainLike = { handle: (channel, listener) => void handlers.set(channel, listener), removeHandler: (channel) => void handlers.delete(channel) };
  const actions: DesktopActions = { showAbout: vi.fn(async () => undefined), getLanShare: vi.fn(async () => STATE), setLanShare: vi.fn(async () => STATE) };
  const dispose = registerIpcHandlers(ipc, () => ORIGIN, actions);
  const call = (channel: string, url: string | null, ...args: unknown[]) => handlers.get(channel)!({ senderFrame: url === null ? null : { url } }, ...args);
  return { handlers, actions, dispose, call };
}

describe('registerIpcHandlers', () => {
  it('handles exactly the channels of the contract', () => {
    const { handlers } = setup();
    expect([...handlers.keys()].sort()).toEqual(Object.values(IPC_CHANNELS).sort());
  });

  it('answers the app page', async () => {
    const { actions, call } = setup();
    await expect(call(IPC_CHANNELS.getLanShare, `${ORIGIN}/`)).resolves.toBe(STATE);
    await call(IPC_CHANNELS.setLanShare, `${ORIGIN}/`, true);
    expect(actions.setLanShare).toHaveBeenCalledWith(true);
    await call(IPC_CHANNELS.showAbout, `${ORIGIN}/`);
    expect(actions.showAbout).toHaveBeenCalled();
  });

  it.each([
    ['another site', 'https://evil.example/'],
    ['another port', 'http://127.0.0.1:5001/'],
    ['a file', 'file:///tmp/x.html'],
    ['a destroyed or navigated frame', null],
  ])('refuses %s before doing anything', (_label, url) => {
    const { actions, call } = setup();
    for (const channel of Object.values(IPC_CHANNELS)) {
      expect(() => call(channel, url, true)).toThrow(UntrustedSenderError);
    }
    expect(actions.showAbout).not.toHaveBeenCalled();
    expect(actions.getLanShare).not.toHaveBeenCalled();
    expect(actions.setLanShare).not.toHaveBeenCalled();
  });

  it('refuses setLanShare with anything but a boolean', async () => {
    const { actions, call } = setup();
    await expect(call(IPC_CHANNELS.setLanShare, `${ORIGIN}/`, 'yes')).rejects.toThrow(TypeError);
    await expect(call(IPC_CHANNELS.setLanShare, `${ORIGIN}/`)).rejects.toThrow(TypeError);
    expect(actions.setLanShare).not.toHaveBeenCalled();
  });

  it('removes its handlers', () => {
    const { handlers, dispose } = setup();
    dispose();
    expect(handlers.size).toBe(0);
  });
});
