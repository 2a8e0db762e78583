import { describe, expect, it, vi } from 'vitest';
import { LaunchError } from '../../src-engine/launcher/launch-error.js';
import { pairingQrCode } from '../../src-engine/server/access/pairing-url.js';
import type { LanShareState } from '../shared/ipc-contract.js';
import type { DesktopSettings } from './desktop-settings.js';
import { LanShareService, type LanShareDeps } from './lan-share-service.js';
import type { ServerAddress } from './server-controller.js';

function setup(overrides: Partial<LanShareDeps> = {}, initial: DesktopSettings = { lanShare: false }) {
  let settings = initial;
  let host = initial.lanShare ? '0.0.0.0' : '127.0.0.1';
  let code = 'first';
  const pairingListeners = new Set<() => void>();
  const address = (): ServerAddress => ({ host, port: 5000, windowUrl: 'http://127.0.0.1:5000', origin: 'http://127.0.0.1:5000' });
  const deps: LanShareDeps = {
    settings: { get: () => settings, update: vi.fn(async (change) => (settings = { ...settings, ...change })) },
    server: { rebind: vi.fn(async (next: string) => ((host = next), address())) },
    configuredHost: '127.0.0.1',
    // Like currentPairingUrls: from the address actually listened on.
    pairingUrls: () => (host === '0.0.0.0' ? [`http://192.168.1.20:5000/pair?code=${code}`, `http://10.0.0.7:5000/pair?code=${code}`] : []),
    onPairingChange: (listener) => (pairingListeners.add(listener), () => pairingListeners.delete(listener)),
    qrCode: async (url) => `data:image/png;base64,QR(${url})`,
    onRebound: vi.fn(),
    ...overrides,
  };
  /** A device used the pairing link: the engine issues the next code. */
  const spendCode = (next: string) => {
    code = next;
    for (const listener of pairingListeners) listener();
  };
  return { service: new LanShareService(deps), deps, settings: () => settings, host: () => host, spendCode, pairingListeners };
}

const SHARED: LanShareState = {
  enabled: true,
  urls: ['http://192.168.1.20:5000', 'http://10.0.0.7:5000'],
  pairingUrl: 'http://192.168.1.20:5000/pair?code=first',
  qrCodeDataUrl: 'data:image/png;base64,QR(http://192.168.1.20:5000/pair?code=first)',
  pairingRequired: true,
};

describe('LanShareService', () => {
  it('is off by default, with nothing to open', async () => {
    const { service } = setup();
    expect(await service.state()).toEqual({ enabled: false, urls: [], pairingUrl: null, qrCodeDataUrl: null, pairingRequired: true });
  });

  it('turns on without asking, persists it, moves to every interface and shows the addresses and the pairing link', async () => {
    const { service, deps, settings, host } = setup();
    const state = await service.set(true);
    expect(deps.server.rebind).toHaveBeenCalledWith('0.0.0.0');
    expect(settings()).toEqual({ lanShare: true });
    expect(host()).toBe('0.0.0.0');
    expect(deps.onRebound).toHaveBeenCalledWith(expect.objectContaining({ host: '0.0.0.0', windowUrl: 'http://127.0.0.1:5000' }));
    // The QR code is of the pairing link (a LAN device without credentials is refused), the plain addresses stay listed.
    expect(state).toEqual(SHARED);
  });

  it('turns off back to the configured host', async () => {
    const { service, host, settings, deps } = setup({}, { lanShare: true });
    const state = await service.set(false);
    expect(deps.server.rebind).toHaveBeenCalledWith('127.0.0.1');
    expect(host()).toBe('127.0.0.1');
    expect(settings().lanShare).toBe(false);
    expect(state).toEqual({ enabled: false, urls: [], pairingUrl: null, qrCodeDataUrl: null, pairingRequired: true });
  });

  it('does nothing when asked for the current setting', async () => {
    const { service, deps } = setup();
    await service.set(false);
    expect(deps.server.rebind).not.toHaveBeenCalled();
    expect(deps.settings.update).not.toHaveBeenCalled();
  });

  it('keeps the previous setting, and says why, when the new address cannot be used', async () => {
    const rebind = vi.fn(async () => Promise.reject(new LaunchError('ERR_PORT_IN_USE', 'Port 5000 on 0.0.0.0 is already in use.')));
    const { service, settings, deps } = setup({ server: { rebind } });
    const state = await service.set(true);
    expect(rebind).toHaveBeenCalledTimes(1); // the server stayed where it was: nothing to undo
    expect(settings().lanShare).toBe(false);
    expect(deps.settings.update).not.toHaveBeenCalled();
    expect(deps.onRebound).not.toHaveBeenCalled();
    expect(state).toEqual({ enabled: false, urls: [], pairingUrl: null, qrCodeDataUrl: null, pairingRequired: true, notice: 'Could not share: Port 5000 on 0.0.0.0 is already in use.' });
  });

  it('shows the addresses and the link without a QR code when the code cannot be made', async () => {
    const { service } = setup({ qrCode: async () => Promise.reject(new Error('too long')) }, { lanShare: true });
    expect(await service.state()).toEqual({ ...SHARED, qrCodeDataUrl: null });
  });

  it('has no link to show when no address is reachable (no network)', async () => {
    const { service } = setup({ pairingUrls: () => [] }, { lanShare: true });
    expect(await service.state()).toEqual({ enabled: true, urls: [], pairingUrl: null, qrCodeDataUrl: null, pairingRequired: true });
  });

  it('applies changes one at a time', async () => {
    const { service, deps } = setup();
    const [first, second] = await Promise.all([service.set(true), service.set(true)]);
    expect(first.enabled && second.enabled).toBe(true);
    expect(deps.server.rebind).toHaveBeenCalledTimes(1);
  });

  it('lists the plain addresses for the About box', async () => {
    const { service } = setup();
    expect(service.addresses()).toEqual([]);
    await service.set(true);
    expect(service.addresses()).toEqual(['http://192.168.1.20:5000', 'http://10.0.0.7:5000']);
  });

  it('pushes a new link and QR code when a device used the old one', async () => {
    const { service, spendCode } = setup({}, { lanShare: true });
    const heard: LanShareState[] = [];
    service.watch((state) => heard.push(state));
    spendCode('second');
    await vi.waitFor(() => expect(heard).toHaveLength(1));
    expect(heard[0]).toEqual({
      ...SHARED,
      pairingUrl: 'http://192.168.1.20:5000/pair?code=second',
      qrCodeDataUrl: 'data:image/png;base64,QR(http://192.168.1.20:5000/pair?code=second)',
    });
  });

  it('delivers only the newest state when codes change faster than QR codes are drawn', async () => {
    const slow: ((value: string) => void)[] = [];
    const { service, spendCode } = setup({ qrCode: (url) => new Promise((resolve) => slow.push(() => resolve(`QR(${url})`))) }, { lanShare: true });
    const heard: LanShareState[] = [];
    service.watch((state) => heard.push(state));
    spendCode('second');
    spendCode('third');
    slow[1]!('');
    slow[0]!('');
    await vi.waitFor(() => expect(heard).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(heard.map((state) => state.pairingUrl)).toEqual(['http://192.168.1.20:5000/pair?code=third']);
  });

  it('stays quiet about code changes while not sharing, and after unsubscribing', async () => {
    const { service, spendCode, pairingListeners } = setup();
    const heard = vi.fn();
    const unsubscribe = service.watch(heard);
    spendCode('second');
    unsubscribe();
    expect(pairingListeners.size).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(heard).not.toHaveBeenCalled();
  });

  it('makes a real PNG QR code of the pairing link with the engine', async () => {
    const { service } = setup({ qrCode: (url) => pairingQrCode(url, 'png-data-url') }, { lanShare: true });
    expect((await service.state()).qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
  });
});
