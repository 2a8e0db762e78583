import { createRequire } from 'node:module';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { isLoopbackAddress, isWildcardHost, normaliseAddress } from './network-address.js';

/** Path of the pairing endpoint. */
export const PAIR_PATH = '/pair';

/** The pairing URL for a server reachable at `baseUrl` (`http://192.168.1.5:5000`). */
export function pairingUrl(baseUrl: string, code: string): string {
  const url = new URL(PAIR_PATH, baseUrl);
  url.searchParams.set('code', code);
  return url.href;
}

/**
 * Base URLs another device can open for a server listening on `host:port`: the host itself when
 * it is one address; for a wildcard bind, one per external interface, private IPv4 ranges
 * first (that is where a LAN lives). Loopback and link-local addresses are left out: no other
 * device can use them. Empty when the server listens on loopback only.
 */
export function shareableBaseUrls(host: string, port: number, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string[] {
  if (!isWildcardHost(host)) {
    if (isLoopbackAddress(host) || host.toLowerCase() === 'localhost') return [];
    return [`http://${bracketed(normaliseAddress(host))}:${port}`];
  }
  const ipv6 = normaliseAddress(host) === '::';
  const addresses: string[] = [];
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.internal || info.address.startsWith('169.254.') || info.address.toLowerCase().startsWith('fe80:')) continue;
      if (info.family === 'IPv6' && !ipv6) continue;
      if (!addresses.includes(info.address)) addresses.push(info.address);
    }
  }
  const rank = (address: string): number => (isPrivateIpv4(address) ? 0 : address.includes(':') ? 2 : 1);
  return addresses.sort((a, b) => rank(a) - rank(b)).map((address) => `http://${bracketed(address)}:${port}`);
}

function bracketed(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

function isPrivateIpv4(address: string): boolean {
  const [a = 0, b = 0] = address.split('.').map(Number);
  return !address.includes(':') && (a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31));
}

/** Formats {@link pairingQrCode} renders. */
export type QrFormat = 'svg' | 'svg-data-url' | 'png-data-url' | 'terminal';

/** The part of the `qrcode` package used here (it ships no types). */
interface QrCodeLibrary {
  toString(text: string, options: { type: 'svg' | 'terminal'; margin?: number; small?: boolean; errorCorrectionLevel?: string }): Promise<string>;
  toDataURL(text: string, options: { margin?: number; width?: number; errorCorrectionLevel?: string }): Promise<string>;
}

// `qrcode` is CommonJS without types; loading it through require keeps its (small) typing here
// rather than in a global module declaration that would clash with the desktop app's.
const qrcode = createRequire(import.meta.url)('qrcode') as QrCodeLibrary;

/**
 * Renders a QR code of `text` (a pairing URL): `svg` markup, an SVG or PNG `data:` URL for an
 * `<img src>`, or `terminal` characters for a console.
 */
export async function pairingQrCode(text: string, format: QrFormat = 'svg'): Promise<string> {
  switch (format) {
    case 'svg':
      return qrcode.toString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    case 'svg-data-url': {
      const svg = await qrcode.toString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
      return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
    }
    case 'png-data-url':
      return qrcode.toDataURL(text, { margin: 1, width: 256, errorCorrectionLevel: 'M' });
    case 'terminal':
      return qrcode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'L' });
  }
}
