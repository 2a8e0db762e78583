import { describe, expect, it } from 'vitest';
import { bearerToken, deviceCookie, deviceCookieName, readCookie } from './device-cookie.js';
import { FailureLimiter } from './failure-limiter.js';
import { HostAllowlist, hostOf } from './host-allowlist.js';
import { addressBucket, isLoopbackAddress, normaliseAddress } from './network-address.js';
import { OriginPolicy } from './origin-policy.js';
import { TokenBucket } from './token-bucket.js';

/** The pure parts of the access policy, without sockets. */
describe('network addresses', () => {
  it('normalises IPv4-mapped, bracketed and zoned addresses', () => {
    expect(normaliseAddress('::ffff:192.168.1.9')).toBe('192.168.1.9');
    expect(normaliseAddress('[::1]')).toBe('::1');
    expect(normaliseAddress('FE80::1%eth0')).toBe('fe80::1');
  });

  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['0.0.0.0', false],
    ['::', false],
    [undefined, false],
  ])('loopback %s → %s', (address, loopback) => expect(isLoopbackAddress(address)).toBe(loopback));

  it('counts IPv6 peers per /64 and IPv4 per address', () => {
    expect(addressBucket('2001:db8:1:2:aaaa::1')).toBe(addressBucket('2001:db8:1:2:bbbb::9'));
    expect(addressBucket('2001:db8:1:3::1')).not.toBe(addressBucket('2001:db8:1:2::1'));
    expect(addressBucket('::ffff:10.0.0.1')).toBe('10.0.0.1');
  });
});

describe('HostAllowlist', () => {
  const list = (options: ConstructorParameters<typeof HostAllowlist>[0] = {}) =>
    new HostAllowlist({ hostname: 'workbench', addresses: () => new Set(['192.168.1.20', 'fd00::20', '127.0.0.1']), ...options });

  it('parses Host headers: port, brackets, case, trailing dot; refuses junk', () => {
    expect(hostOf('LocalHost:5000')).toBe('localhost');
    expect(hostOf('[::1]:5000')).toBe('::1');
    expect(hostOf('example.com.')).toBe('example.com');
    for (const junk of ['', 'a b', 'user@host', 'host/path', '[::1', '::1', 'host:port', '[nothost]:80']) expect(hostOf(junk), junk).toBeUndefined();
  });

  it('allows loopback names and addresses, the machine name, its interface addresses and configured names only', () => {
    const hosts = list({ allowHosts: ['monitor.lan', '.corp.test', '203.0.113.7'] });
    for (const host of ['localhost:5000', 'a.b.localhost', '127.0.0.1', '0.0.0.0:5000', '[::]:5000', '127.8.8.8:1', '[::1]:5000', 'workbench', 'workbench.local:5000', '192.168.1.20:5000', '[fd00::20]:5000', 'monitor.lan', 'x.corp.test', '203.0.113.7']) {
      expect(hosts.isAllowed(host), host).toBe(true);
    }
    for (const host of ['evil.example', 'localhost.evil.example', 'corp.test', 'monitor.lan.evil', '192.168.1.21', '[fd00::21]', 'workbench.evil']) {
      expect(hosts.isAllowed(host), host).toBe(false);
    }
  });

  it('re-reads the interfaces on a miss, at most every 2 s, so a new address (DHCP, veth) is accepted', () => {
    let now = 0;
    const current = new Set(['10.0.0.1']);
    const hosts = new HostAllowlist({ hostname: 'h', addresses: () => new Set(current), now: () => now });
    expect(hosts.isAllowed('10.0.0.1')).toBe(true);
    current.add('10.0.0.2');
    now = 2500;
    expect(hosts.isAllowed('10.0.0.2')).toBe(true);
    current.add('10.0.0.3');
    now = 3000; // too soon to read again
    expect(hosts.isAllowed('10.0.0.3')).toBe(false);
    now = 5000;
    expect(hosts.isAllowed('10.0.0.3')).toBe(true);
  });

  it('refuses an interface address again once it went away: only answers that cannot change are remembered', () => {
    let now = 0;
    const current = new Set(['10.0.0.1']);
    const hosts = new HostAllowlist({ hostname: 'h', addresses: () => new Set(current), now: () => now });
    expect(hosts.isAllowed('10.0.0.1:5000')).toBe(true);
    current.delete('10.0.0.1');
    now = 2500;
    expect(hosts.isAllowed('10.0.0.9')).toBe(false); // a miss re-reads the interfaces
    expect(hosts.isAllowed('10.0.0.1:5000')).toBe(false);
    for (let i = 0; i < 2; i++) {
      expect(hosts.isAllowed('localhost:5000')).toBe(true);
      expect(hosts.isAllowed('evil.example')).toBe(false);
    }
  });

  it('always allows the specific address it listens on', () => {
    expect(list({ listenHost: '198.51.100.4' }).isAllowed('198.51.100.4:80')).toBe(true);
  });
});

describe('OriginPolicy', () => {
  const policy = new OriginPolicy(['http://localhost:5173']);
  it.each([
    ['http://127.0.0.1:5000', '127.0.0.1:5000', true],
    ['http://LOCALHOST:5000', 'localhost:5000', true],
    ['http://[::1]:5000', '[::1]:5000', true],
    ['http://monitor.lan', 'monitor.lan:80', true],
    ['https://monitor.lan', 'monitor.lan:443', true],
    ['http://localhost:5173', '127.0.0.1:5000', true],
    ['http://localhost:5174', '127.0.0.1:5000', false],
    ['http://127.0.0.1:5001', '127.0.0.1:5000', false],
    ['http://evil.example', '127.0.0.1:5000', false],
    ['null', '127.0.0.1:5000', false],
    ['file://', '127.0.0.1:5000', false],
    ['http://127.0.0.1:5000/', '127.0.0.1:5000', false],
    ['http://127.0.0.1:5000, http://evil.example', '127.0.0.1:5000', false],
    ['http://127.0.0.1:5000', undefined, false],
  ])('Origin %s with Host %s → %s', (origin, host, allowed) => expect(policy.isAllowed(origin, host)).toBe(allowed));
});

describe('FailureLimiter', () => {
  it('blocks an address after the allowed failures until its window ends, and tells how long', () => {
    let now = 0;
    const limiter = new FailureLimiter({ maxFailures: 3, windowMs: 10_000, now: () => now });
    limiter.fail('10.0.0.9');
    limiter.fail('10.0.0.9');
    expect(limiter.retryAfterSeconds('10.0.0.9')).toBe(0);
    expect(limiter.fail('10.0.0.9')).toBe(true);
    expect(limiter.retryAfterSeconds('10.0.0.9')).toBe(10);
    expect(limiter.retryAfterSeconds('10.0.0.10')).toBe(0);
    now = 7_500;
    expect(limiter.retryAfterSeconds('10.0.0.9')).toBe(3);
    now = 10_000;
    expect(limiter.retryAfterSeconds('10.0.0.9')).toBe(0);
  });

  it('remembers a bounded number of peers', () => {
    const limiter = new FailureLimiter({ maxFailures: 2, windowMs: 60_000, maxTracked: 100 });
    for (let i = 0; i < 10_000; i++) limiter.fail(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    expect(limiter.tracked).toBeLessThanOrEqual(100);
  });
});

describe('TokenBucket', () => {
  it('allows the burst, then the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now = 100; // one token back
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now = 10_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});

describe('device cookie and bearer header', () => {
  it('names the cookie per port and sets it HttpOnly, SameSite=Strict, Secure only over TLS', () => {
    expect(deviceCookieName(5000)).not.toBe(deviceCookieName(5001));
    expect(deviceCookie('c', 'tok', false)).toBe('c=tok; Path=/; Max-Age=34560000; HttpOnly; SameSite=Strict');
    expect(deviceCookie('c', 'tok', true)).toMatch(/; Secure$/);
  });

  it('reads one cookie out of a header, skipping malformed pairs', () => {
    expect(readCookie('a=1; broken; c=tok; d=', 'c')).toBe('tok');
    expect(readCookie('a=1', 'c')).toBeUndefined();
    expect(readCookie('c=', 'c')).toBeUndefined();
    expect(readCookie(undefined, 'c')).toBeUndefined();
  });

  it('reads a bearer credential; other schemes are not ours, a malformed bearer is an (invalid) attempt', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc  ')).toBe('abc');
    expect(bearerToken('Bearer')).toBe('');
    expect(bearerToken('Bearer a b')).toBe('a b');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
