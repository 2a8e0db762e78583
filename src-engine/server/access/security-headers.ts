import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
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

/** The base headers as fastify's reply keys them (lower case), with the framing-only policy. */
const REPLY_HEADER_LIST: readonly (readonly [string, string])[] = [...BASE_HEADER_LIST, ['Content-Security-Policy', FRAMING_ONLY_CSP] as const].map(
  ([name, value]) => [name.toLowerCase(), value] as const,
);

/**
 * Sets the headers every response gets on fastify's reply rather than on the raw response: a
 * raw response that already has headers makes Node run its checked setHeader again for every
 * header fastify hands to writeHead (content type and length included), on every answer. A reply
 * that is hijacked must be given them with {@link handHeadersToRaw} first.
 */
export function presetBaseSecurityHeaders(reply: FastifyReply, trustworthyOrigin = false): void {
  for (let i = 0; i < REPLY_HEADER_LIST.length; i++) reply.header(REPLY_HEADER_LIST[i]![0], REPLY_HEADER_LIST[i]![1]);
  if (trustworthyOrigin) reply.header('cross-origin-opener-policy', OPENER_POLICY[1]);
}

/**
 * Copies the headers set on fastify's reply (security headers, a device cookie) onto the raw
 * response, for a handler that answers on the raw response itself (a hijacked reply: fastify
 * would never write them).
 */
export function handHeadersToRaw(reply: FastifyReply): void {
  const headers = reply.getHeaders();
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) reply.raw.setHeader(name, value);
  }
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
