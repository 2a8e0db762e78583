import type { NetworkInterfaceInfo } from 'node:os';

/** The host the server binds for LAN sharing: every IPv4 interface. */
export const LAN_BIND_HOST = '0.0.0.0';

/** The host to bind: every interface when sharing, else what the launch config says (loopback). */
export function bindHostFor(lanShare: boolean, configuredHost: string): string {
  return lanShare ? LAN_BIND_HOST : configuredHost;
}

/**
 * Addresses another device can open while the server listens on 0.0.0.0: one per external IPv4
 * interface (os.networkInterfaces()), private ranges first since that is where a LAN lives.
 * Loopback, link-local (169.254/16, no DHCP) and IPv6 are left out: 0.0.0.0 is IPv4 only.
 */
export function lanUrls(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>, port: number): string[] {
  const addresses = new Set<string>();
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family !== 'IPv4' || info.internal || info.address.startsWith('169.254.')) continue;
      addresses.add(info.address);
    }
  }
  return [...addresses].sort((a, b) => Number(!isPrivate(a)) - Number(!isPrivate(b))).map((address) => `http://${address}:${port}`);
}

function isPrivate(address: string): boolean {
  const [a = 0, b = 0] = address.split('.').map(Number);
  return a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31);
}
