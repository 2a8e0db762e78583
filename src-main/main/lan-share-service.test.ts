import { describe, expect, it, vi } from 'vitest';
import type { DesktopSettings } from './desktop-settings.js';
import { LanShareService, type LanShareDeps } from './lan-share-service.js';
import type { ServerAddress } from './server-controller.js';

function setup(overrides: Partial<LanShareDeps> = {}, initial: DesktopSettings = { lanShare: false }) {
  let settings = initial;
  let host = initial.lanShare ? '0.0.0.0' : '127.0.0.1';
  const address = (): ServerAddress => ({ host, port: 5000, windowUrl: 'http://127.0.0.1:5000', origin: 'http://127.0.0.1:5000' });
  const deps: LanShareDeps = {
    settings: { get: () => settings, update: vi.fn(async (change) => (settings = { ...settings, ...change })) },
    server: {
      restart: vi.fn(async (next: string) => ((host = next), address())),
      address,
      counts: () => ({ running: 0, queued: 0 }),
    },
    configuredHost: '127.0.0.1',
    lanUrls: (port) => [`http://192.168.1.20:${port}`],
    qrCode: async (url) => `data:image/png;base64,QR(${url})`,
    confirm: vi.fn(async () => true),
    pairingAvailable: false,
    onRestarted: vi.fn(),
    ...overrides,
  };
  return { service: new LanShareService(deps), deps, settings: () => settings, host: () => host };
}

describe('LanShareService', () => {
  it('is off by default, with nothing to open', async () => {
    const { service } = setup();
    expect(await service.state()).toEqual({ enabled: false, urls: [], qrCodeDataUrl: null, pairingRequired: false });
  });

  it('turns on after the warning, persists it, rebinds to every interface and shows the address', async () => {
    const { service, deps, settings, host } = setup();
    const state = await service.set(true);
    expect(deps.confirm).toHaveBeenCalledWith(expect.objectContaining({ title: 'Share on LAN' }));
    expect(settings()).toEqual({ lanShare: true });
    expect(host()).toBe('0.0.0.0');
    expect(deps.onRestarted).toHaveBeenCalled();
    expect(state).toEqual({
      enabled: true,
      urls: ['http://192.168.1.20:5000'],
      qrCodeDataUrl: 'data:image/png;base64,QR(http://192.168.1.20:5000)',
      pairingRequired: false,
    });
  });

  it('does not ask when pairing guards the LAN and nothing runs', async () => {
    const { service, deps } = setup({ pairingAvailable: true });
    const state = await service.set(true);
    expect(deps.confirm).not.toHaveBeenCalled();
    expect(state).toMatchObject({ enabled: true, pairingRequired: true });
  });

  it('still asks when running tasks would be stopped', async () => {
    const { service, deps } = setup({
      pairingAvailable: true,
      server: { restart: vi.fn(async (host: string) => ({ host, port: 5000, windowUrl: 'http://127.0.0.1:5000', origin: 'http://127.0.0.1:5000' })), address: () => ({ host: '127.0.0.1', port: 5000, windowUrl: '', origin: '' }), counts: () => ({ running: 1, queued: 0 }) },
    });
    await service.set(true);
    expect(deps.confirm).toHaveBeenCalledWith(expect.objectContaining({ detail: 'The server restarts: 1 running task will be stopped.' }));
  });

  it('changes nothing when the user declines', async () => {
    const { service, deps, settings } = setup({ confirm: vi.fn(async () => false) });
    const state = await service.set(true);
    expect(state).toMatchObject({ enabled: false, notice: 'Nothing changed.' });
    expect(settings().lanShare).toBe(false);
    expect(deps.server.restart).not.toHaveBeenCalled();
  });

  it('turns off back to the configured host', async () => {
    const { service, host, settings } = setup({}, { lanShare: true });
    const state = await service.set(false);
    expect(host()).toBe('127.0.0.1');
    expect(settings().lanShare).toBe(false);
    expect(state.urls).toEqual([]);
  });

  it('does nothing when asked for the current setting', async () => {
    const { service, deps } = setup();
    await service.set(false);
    expect(deps.confirm).not.toHaveBeenCalled();
    expect(deps.server.restart).not.toHaveBeenCalled();
  });

  it('goes back to the previous setting when the new bind fails', async () => {
    const restart = vi.fn().mockRejectedValueOnce(new Error('Cannot listen on 0.0.0.0')).mockImplementation(async (host: string) => ({ host, port: 5000, windowUrl: 'http://127.0.0.1:5000', origin: 'http://127.0.0.1:5000' }));
    const { service, settings } = setup({ server: { restart, address: () => ({ host: '127.0.0.1', port: 5000, windowUrl: '', origin: '' }), counts: () => ({ running: 0, queued: 0 }) } });
    const state = await service.set(true);
    expect(restart.mock.calls).toEqual([['0.0.0.0'], ['127.0.0.1']]);
    expect(settings().lanShare).toBe(false);
    expect(state).toMatchObject({ enabled: false, notice: 'Could not share: Cannot listen on 0.0.0.0' });
  });

  it('shows the addresses without a QR code when the code cannot be made', async () => {
    const { service } = setup({ qrCode: async () => Promise.reject(new Error('too long')) }, { lanShare: true });
    expect(await service.state()).toMatchObject({ enabled: true, urls: ['http://192.168.1.20:5000'], qrCodeDataUrl: null });
  });

  it('applies changes one at a time', async () => {
    const { service, deps } = setup();
    const [first, second] = await Promise.all([service.set(true), service.set(true)]);
    expect(first.enabled && second.enabled).toBe(true);
    expect(deps.server.restart).toHaveBeenCalledTimes(1);
  });

  it('makes a real QR code data URL with the qrcode package', async () => {
    const QRCode = (await import('qrcode')).default;
    const { service } = setup({ qrCode: (url) => QRCode.toDataURL(url, { margin: 1, width: 128 }) }, { lanShare: true });
    expect((await service.state()).qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
  });
});
