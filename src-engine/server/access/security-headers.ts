import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { hostOf } from './host-allowlist.js';
import { isLoopbackAddress } from './network-address.js';

/**
 * Headers every response carries, the UI's pages and the API's answers alike: no MIME sniffing
 * (a JSON answer is never run as a script), no framing (clickjacking), no Referer (pairing
 * codes and session ids in URLs stay here), and our resources are not embeddable by other sites.
 */
export const BASE_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

const BASE_HEADER_LIST: readonly (readonly [string, string])[] = Object.entries(BASE_SECURITY_HEADERS);

/**
 * Isolates our pages from windows of other sites. Browsers honour it only on trustworthy origins
 * (HTTPS, localhost, loopback) and log a console error for it anywhere else (plain-HTTP LAN
 * addresses), so it is sent only where it works.
 */
const OPENER_POLICY = ['Cross-Origin-Opener-Policy', 'same-origin'] as const;

/**
 * The policy preset on every response before anyone answers it. It restricts nothing but
 * framing, so it cannot break a page; the UI (SvelteKit) sets its own full policy with nonces or
 * hashes, which replaces this header rather than being intersected with a stricter one of ours.
 */
export const FRAMING_ONLY_CSP = "frame-ancestors 'none'";

/** The policy of API answers (JSON, errors): they are data, nothing in them may load or run. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Sets the headers every response gets, on the raw response, so they survive a hijacked (UI)
 * reply. `trustworthyOrigin`: the page is on HTTPS or loopback (see {@link isTrustworthyOrigin}).
 */
export function applyBaseSecurityHeaders(response: ServerResponse, trustworthyOrigin = false): void {
  // A precomputed list: no Object.entries arrays per request (this runs on every response).
  for (let i = 0; i < BASE_HEADER_LIST.length; i++) response.setHeader(BASE_HEADER_LIST[i]![0], BASE_HEADER_LIST[i]![1]);
  response.setHeader('Content-Security-Policy', FRAMING_ONLY_CSP);
  if (trustworthyOrigin) response.setHeader(...OPENER_POLICY);
}

/** Whether browsers treat the origin of a request as trustworthy (HTTPS, localhost, loopback addresses). */
export function isTrustworthyOrigin(hostHeader: string | undefined, encrypted: boolean): boolean {
  if (encrypted) return true;
  if (hostHeader === undefined) return false;
  // A pure function of the header's text, asked on every request with the same few values.
  let trusted = trustworthyHosts.get(hostHeader);
  if (trusted === undefined) {
    const host = hostOf(hostHeader);
    trusted = host !== undefined && (host === 'localhost' || host.endsWith('.localhost') || isLoopbackAddress(host));
    if (trustworthyHosts.size >= MAX_REMEMBERED_HOSTS) trustworthyHosts.clear(); // any text can arrive: stay bounded
    trustworthyHosts.set(hostHeader, trusted);
  }
  return trusted;
}

/** Host header texts already judged by {@link isTrustworthyOrigin}. */
const trustworthyHosts = new Map<string, boolean>();
const MAX_REMEMBERED_HOSTS = 256;

/** Header lines for a response written by hand on a raw socket (refused WebSocket upgrades). */
export function rawSecurityHeaderLines(): string[] {
  return [...Object.entries(BASE_SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`), `Content-Security-Policy: ${API_CSP}`, 'Cache-Control: no-store'];
}

/**
 * The policy of the few HTML pages the server writes itself (not paired, bad pairing link):
 * nothing but their one inline style block, allowed by its hash rather than 'unsafe-inline'.
 */
export function htmlPageCsp(style: string): string {
  const hash = createHash('sha256').update(style, 'utf8').digest('base64');
  return `default-src 'none'; style-src 'sha256-${hash}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;
}
