import { isIP } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/**
 * `::ffff:192.168.1.9` → `192.168.1.9`, `[::1]` → `::1`, lower case. Node reports IPv4 peers of a
 * dual-stack socket as IPv4-mapped IPv6; every check below wants the plain form.
 */
export function normaliseAddress(address: string | undefined): string {
  if (!address) return '';
  let plain = address.trim().toLowerCase();
  if (plain.startsWith('[') && plain.endsWith(']')) plain = plain.slice(1, -1);
  const zone = plain.indexOf('%'); // fe80::1%eth0: the zone names an interface, not an address
  if (zone !== -1) plain = plain.slice(0, zone);
  if (plain.startsWith('::ffff:') && isIP(plain.slice(7)) === 4) plain = plain.slice(7);
  return plain;
}

/**
 * Whether a peer address is this machine's loopback (127.0.0.0/8 or ::1). Only the kernel can
 * put such an address on an accepted TCP connection, so it cannot be forged from the network.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  const plain = normaliseAddress(address);
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1';
}

/** Whether a host name is an IP literal (v4 or v6, brackets allowed). */
export function isIpLiteral(host: string): boolean {
  return isIP(normaliseAddress(host)) !== 0;
}

/** Hosts meaning "every interface": a server bound there has no single address to show. */
export function isWildcardHost(host: string): boolean {
  const plain = normaliseAddress(host);
  return plain === '0.0.0.0' || plain === '::' || plain === '';
}

/** Every address of this machine's interfaces, normalised (loopback included). */
export function machineAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): Set<string> {
  const addresses = new Set<string>();
  for (const infos of Object.values(interfaces)) for (const info of infos ?? []) addresses.add(normaliseAddress(info.address));
  return addresses;
}

/**
 * The key under which failures of a peer are counted: the address itself for IPv4, its /64
 * prefix for IPv6, because one IPv6 host usually owns a whole /64 and could otherwise dodge a
 * per-address limit by changing addresses.
 */
export function addressBucket(address: string | undefined): string {
  const plain = normaliseAddress(address);
  if (isIP(plain) !== 6) return plain;
  const groups = expandIpv6(plain);
  return `${groups.slice(0, 4).join(':')}::/64`;
}

function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4 that is not mapped, or 64:ff9b::1.2.3.4) counts as two groups.
  const last = right.at(-1) ?? left.at(-1);
  const extra = last?.includes('.') ? 1 : 0;
  const missing = tail === undefined ? 0 : 8 - left.length - right.length - extra;
  return [...left, ...Array.from({ length: missing }, () => '0'), ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}
