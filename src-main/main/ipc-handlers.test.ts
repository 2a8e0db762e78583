import { describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS, IPC_EVENTS, type LanShareState } from '../shared/ipc-contract.js';
import type { SenderFrame } from './ipc-sender.js';
import { pushLanShareState, registerIpcHandlers, UntrustedSenderError, type DesktopActions, type IpcMainLike } from './ipc-handlers.js';

const ORIGIN = 'http://127.0.0.1:5000';
const STATE: LanShareState = { enabled: false, urls: [], pairingUrl: null, qrCodeDataUrl: null, pairingRequired: true };

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

describe('pushLanShareState', () => {
  const shared: LanShareState = { ...STATE, enabled: true, urls: ['http://192.168.1.20:5000'], pairingUrl: 'http://192.168.1.20:5000/pair?code=abc' };

  it('sends the state on its channel to the app page', () => {
    const send = vi.fn();
    expect(pushLanShareState({ getURL: () => `${ORIGIN}/`, send }, ORIGIN, shared)).toBe(true);
    expect(send).toHaveBeenCalledWith(IPC_EVENTS.lanShareChanged, shared);
  });

  it.each([
    ['another site', 'https://evil.example/'],
    ['another port', 'http://127.0.0.1:5001/'],
    ['no page yet', ''],
  ])('keeps the pairing link from %s', (_label, url) => {
    const send = vi.fn();
    expect(pushLanShareState({ getURL: () => url, send }, ORIGIN, shared)).toBe(false);
    expect(send).not.toHaveBeenCalled();
  });

  it('sends nothing before the app has an origin', () => {
    const send = vi.fn();
    expect(pushLanShareState({ getURL: () => `${ORIGIN}/`, send }, '', shared)).toBe(false);
    expect(send).not.toHaveBeenCalled();
  });
});
