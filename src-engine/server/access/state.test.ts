import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAccessControl } from './access-control.js';
import { parseAllowHosts, parseToken } from './access-flags.js';
import { loadOrCreateApiToken, TOKEN_FILE } from './api-token.js';
import { writeFileAtomic } from './atomic-file.js';
import { DEVICES_FILE, DeviceRegistry, describeUserAgent } from './device-registry.js';
import { PairingCodes } from './pairing-codes.js';
import { pairingQrCode, pairingUrl, shareableBaseUrls } from './pairing-url.js';
import { parseLaunchConfig } from '../../launcher/launch-config.js';

/** The state kept in the data folder, pairing codes and URLs, and the launcher flags. */
const fresh = (): string => mkdtempSync(join(tmpdir(), 'tm-access-'));
const mode = (file: string): number => statSync(file).mode & 0o777;

describe('API token file', () => {
  it('is created at first start with mode 0600 and read back unchanged', () => {
    const dir = join(fresh(), 'nested', 'data');
    const first = loadOrCreateApiToken(dir);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mode(join(dir, TOKEN_FILE))).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
    expect(loadOrCreateApiToken(dir).token).toBe(first.token);
  });

  it('repairs a file other users can read, and says so', () => {
    const dir = fresh();
    writeFileSync(join(dir, TOKEN_FILE), 'a-token-of-enough-length\n');
    chmodSync(join(dir, TOKEN_FILE), 0o644);
    const loaded = loadOrCreateApiToken(dir);
    expect(loaded.token).toBe('a-token-of-enough-length');
    expect(loaded.warning).toContain('mode is now 0600');
    expect(mode(join(dir, TOKEN_FILE))).toBe(0o600);
  });

  it('a broken token file turns bearer authentication off instead of crashing', () => {
    const dir = fresh();
    writeFileSync(join(dir, TOKEN_FILE), 'short');
    const access = createAccessControl({ dataDir: dir });
    expect(access.hasApiToken).toBe(false);
    expect(access.warnings.join()).toContain('not usable');
  });

  it('--token wins over the file and is never written; --in-memory writes nothing at all', () => {
    const dir = fresh();
    const access = createAccessControl({ dataDir: dir, token: 'explicit-token-0123456789' });
    expect(access.hasApiToken).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    const memory = createAccessControl({ dataDir: dir, inMemory: true });
    expect(memory.hasApiToken).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('DeviceRegistry', () => {
  it('keeps devices in a 0600 JSON file with token hashes only, and survives a restart', async () => {
    const dir = fresh();
    const file = join(dir, DEVICES_FILE);
    const registry = DeviceRegistry.open(file).registry;
    const { device, token, saved } = await registry.pair({ name: 'Phone', address: '10.0.0.7' });
    expect(saved).toBe(true);
    expect(mode(file)).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(token);
    expect(JSON.parse(text)).toMatchObject({ version: 1, devices: [{ id: device.id, name: 'Phone', tokenHash: expect.stringMatching(/^[0-9a-f]{64}$/) }] });

    const reopened = DeviceRegistry.open(file).registry;
    expect(reopened.authenticate(token, '10.0.0.7')?.id).toBe(device.id);
    expect(reopened.authenticate(`${token}x`, '10.0.0.7')).toBeUndefined();
    const revoked: string[] = [];
    reopened.onRevoked((id) => revoked.push(id));
    expect(await reopened.revoke(device.id)).toEqual({ found: true, saved: true });
    expect(revoked).toEqual([device.id]);
    expect(reopened.authenticate(token, '10.0.0.7')).toBeUndefined();
    expect(DeviceRegistry.open(file).registry.list()).toEqual([]);
    expect(await reopened.revoke(device.id)).toEqual({ found: false, saved: true });
    // No temporary files are left behind.
    expect(readdirSync(dir)).toEqual([DEVICES_FILE]);
  });

  it('a corrupt file is set aside: nobody is paired (fail closed), the server starts', () => {
    const dir = fresh();
    writeFileSync(join(dir, DEVICES_FILE), '{"version":1,"devices":[{"id":');
    const opened = DeviceRegistry.open(join(dir, DEVICES_FILE));
    expect(opened.registry.size).toBe(0);
    expect(opened.warning).toContain('pair again');
    expect(readdirSync(dir).some((name) => name.startsWith(`${DEVICES_FILE}.corrupt-`))).toBe(true);
  });

  it('concurrent changes are written one after another, and the file always parses', async () => {
    const file = join(fresh(), DEVICES_FILE);
    const registry = DeviceRegistry.open(file).registry;
    await Promise.all(Array.from({ length: 20 }, (_, i) => registry.pair({ name: `d${i}`, address: '10.0.0.1' })));
    expect(JSON.parse(readFileSync(file, 'utf8')).devices).toHaveLength(20);
  });

  it('names devices from their User-Agent, without control characters', () => {
    expect(describeUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605 Version/17.0 Mobile/15E148 Safari/604.1')).toBe('Safari on iOS');
    expect(describeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 Edg/120.0')).toBe('Edge on Windows');
    expect(describeUserAgent('curl/8.5.0')).toBe('curl/8.5.0');
    expect(describeUserAgent('evil\u0000\u001b[31m')).toBe('evil[31m');
    expect(describeUserAgent(undefined)).toBe('Unknown device');
  });
});

describe('atomic writes', () => {
  it('replace the content whole, owner-only', async () => {
    const file = join(fresh(), 'state.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(mode(file)).toBe(0o600);
  });
});

describe('pairing codes, URLs and QR codes', () => {
  it('a code is spent once and replaced, and listeners hear the new one', () => {
    const codes = new PairingCodes();
    const heard: string[] = [];
    codes.onChange((code) => heard.push(code));
    const first = codes.current;
    expect(first).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(codes.spend('wrong')).toBe(false);
    expect(codes.spend(first)).toBe(true);
    expect(codes.spend(first)).toBe(false);
    expect(heard).toEqual([codes.current]);
    expect(codes.current).not.toBe(first);
  });

  it('builds the pairing URL, and the addresses other devices can use', () => {
    expect(pairingUrl('http://192.168.1.5:5000', 'abc_-1')).toBe('http://192.168.1.5:5000/pair?code=abc_-1');
    const interfaces = {
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
      eth0: [
        { address: '203.0.113.5', family: 'IPv4', internal: false },
        { address: 'fe80::1', family: 'IPv6', internal: false },
      ],
      wlan0: [{ address: '192.168.1.5', family: 'IPv4', internal: false }],
      zz: [{ address: '169.254.3.3', family: 'IPv4', internal: false }],
    } as unknown as Parameters<typeof shareableBaseUrls>[2];
    expect(shareableBaseUrls('0.0.0.0', 5000, interfaces)).toEqual(['http://192.168.1.5:5000', 'http://203.0.113.5:5000']);
    expect(shareableBaseUrls('127.0.0.1', 5000, interfaces)).toEqual([]);
    expect(shareableBaseUrls('10.1.2.3', 80, interfaces)).toEqual(['http://10.1.2.3:80']);
  });

  it('renders the QR code as SVG, SVG and PNG data URLs, and terminal text', async () => {
    const url = 'http://192.168.1.5:5000/pair?code=abcdefghijklmnopqrstuv';
    expect(await pairingQrCode(url, 'svg')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(await pairingQrCode(url, 'svg-data-url')).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(await pairingQrCode(url, 'png-data-url')).toMatch(/^data:image\/png;base64,/);
    expect((await pairingQrCode(url, 'terminal')).length).toBeGreaterThan(100);
  });
});

describe('launcher flags', () => {
  it('--headless listens on the LAN by default; --host keeps it local; no flag stays on loopback', () => {
    expect(parseLaunchConfig(['--headless'], {})).toMatchObject({ ok: true, config: { host: '0.0.0.0' } });
    expect(parseLaunchConfig([], { TASK_MONITOR_HEADLESS: '1' })).toMatchObject({ ok: true, config: { host: '0.0.0.0' } });
    expect(parseLaunchConfig(['--headless', '--host', '127.0.0.1'], {})).toMatchObject({ ok: true, config: { host: '127.0.0.1' } });
    expect(parseLaunchConfig([], {})).toMatchObject({ ok: true, config: { host: '127.0.0.1' } });
  });

  it('--allow-host (repeatable) or TASK_MONITOR_ALLOW_HOST; --token or TASK_MONITOR_TOKEN', () => {
    expect(parseLaunchConfig(['--allow-host', 'Monitor.LAN', '--allow-host', '.corp.test', '--token', 'a-long-enough-token-123'], {})).toMatchObject({
      ok: true,
      config: { allowHosts: ['monitor.lan', '.corp.test'], token: 'a-long-enough-token-123' },
    });
    expect(parseLaunchConfig([], { TASK_MONITOR_ALLOW_HOST: 'a.test, 10.0.0.5,[fd00::1]', TASK_MONITOR_TOKEN: 'another-long-token-456' })).toMatchObject({
      ok: true,
      config: { allowHosts: ['a.test', '10.0.0.5', 'fd00::1'], token: 'another-long-token-456' },
    });
    expect(parseLaunchConfig([], {})).toMatchObject({ ok: true, config: { allowHosts: [], token: undefined } });
  });

  it.each([
    [['--allow-host', 'http://monitor.lan'], '--allow-host must be a host name'],
    [['--allow-host', 'monitor.lan:5000'], '--allow-host must be a host name'],
    [['--allow-host', 'bad name'], '--allow-host must be a host name'],
    [['--token', 'short'], '--token: the token must be at least 16 characters'],
    [['--token', 'has spaces in the token'], '--token: the token may contain visible ASCII'],
  ])('refuses %j', (argv, message) => {
    const result = parseLaunchConfig(argv, {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });

  it('the helpers accept what the flags document', () => {
    expect(parseAllowHosts(undefined, undefined)).toEqual([]);
    expect(parseToken(undefined)).toBeUndefined();
  });
});
