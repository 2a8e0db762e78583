import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { bindHostFor, LAN_BIND_HOST, lanUrls } from './lan-addresses.js';

const v4 = (address: string, internal = false): NetworkInterfaceInfo =>
  ({ address, family: 'IPv4', internal, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: `${address}/24` }) as NetworkInterfaceInfo;
const v6 = (address: string): NetworkInterfaceInfo =>
  ({ address, family: 'IPv6', internal: false, netmask: 'ffff:ffff:ffff:ffff::', mac: '00:00:00:00:00:00', cidr: `${address}/64`, scopeid: 0 }) as NetworkInterfaceInfo;

describe('bindHostFor', () => {
  it('binds every interface only when sharing', () => {
    expect(bindHostFor(true, '127.0.0.1')).toBe(LAN_BIND_HOST);
    expect(LAN_BIND_HOST).toBe('0.0.0.0');
    expect(bindHostFor(false, '127.0.0.1')).toBe('127.0.0.1');
  });
});

describe('lanUrls', () => {
  it('lists external IPv4 addresses, private ranges first', () => {
    const urls = lanUrls({ lo: [v4('127.0.0.1', true)], eth0: [v4('203.0.113.7'), v6('fe80::1')], wlan0: [v4('192.168.1.20')], docker0: [v4('172.17.0.1')] }, 5000);
    expect(urls).toEqual(['http://192.168.1.20:5000', 'http://172.17.0.1:5000', 'http://203.0.113.7:5000']);
  });

  it('leaves out link-local addresses and duplicates', () => {
    expect(lanUrls({ a: [v4('169.254.3.4'), v4('10.0.0.5')], b: [v4('10.0.0.5')], c: undefined }, 41000)).toEqual(['http://10.0.0.5:41000']);
  });

  it('is empty without a network', () => {
    expect(lanUrls({ lo: [v4('127.0.0.1', true)] }, 5000)).toEqual([]);
  });
});
