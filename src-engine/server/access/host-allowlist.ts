import { hostname as osHostname } from 'node:os';
import { isIpLiteral, isLoopbackAddress, isWildcardHost, machineAddresses, normaliseAddress } from './network-address.js';

/** Options of {@link HostAllowlist}. */
export interface HostAllowlistOptions {
  /** Extra names (or addresses) this server may be reached by (`--allow-host`); `.example.com` allows subdomains too. */
  allowHosts?: readonly string[];
  /** The address the server listens on; a specific one is always allowed. */
  listenHost?: string;
  /** This machine's addresses; re-read on a miss, since interfaces come and go (DHCP, VPN, veth). */
  addresses?: () => Set<string>;
  /** This machine's name, allowed as is and as `NAME.local` (mDNS). */
  hostname?: string;
  now?: () => number;
}

/** Host header texts whose answers {@link HostAllowlist} remembers at most (then it starts over). */
const MAX_SETTLED_HOSTS = 256;

/** How long a re-read of the interface list is trusted before a miss reads it again. */
const ADDRESS_REFRESH_MS = 2000;

/**
 * The Host header allowlist against DNS rebinding. A rebinding page is served from the attacker's
 * own domain, which is later pointed at this machine: the browser then calls us with
 * `Host: attacker.example`. Only names that cannot be attacker-controlled pass: `localhost` and
 * `*.localhost` (browsers resolve them to loopback themselves), loopback and this machine's own
 * interface addresses, this machine's host name, and names configured with `--allow-host`.
 */
export class HostAllowlist {
  private readonly names = new Set<string>(['localhost']);
  private readonly suffixes: string[] = ['.localhost'];
  private readonly fixedAddresses = new Set<string>();
  private readonly readAddresses: () => Set<string>;
  private readonly now: () => number;
  private addresses = new Set<string>();
  private addressesReadAt = Number.NEGATIVE_INFINITY;
  /** Host header texts whose answer cannot change (names, loopback, fixed addresses, malformed). */
  private readonly settled = new Map<string, boolean>();

  constructor(options: HostAllowlistOptions = {}) {
    this.readAddresses = options.addresses ?? (() => machineAddresses());
    this.now = options.now ?? Date.now;
    const name = (options.hostname ?? osHostname()).toLowerCase();
    if (name) {
      this.names.add(name);
      if (!name.includes('.')) this.names.add(`${name}.local`);
    }
    if (options.listenHost && !isWildcardHost(options.listenHost)) this.add(options.listenHost);
    for (const host of options.allowHosts ?? []) this.add(host);
  }

  /** Whether a request carrying this Host header may be served. */
  isAllowed(hostHeader: string): boolean {
    // Asked on every request, with the same few texts: answers that cannot change are remembered.
    const known = this.settled.get(hostHeader);
    if (known !== undefined) return known;
    const host = hostOf(hostHeader);
    if (host === undefined) return this.settle(hostHeader, false);
    if (isIpLiteral(host)) {
      // 0.0.0.0 and :: reach only this machine (browsers connect to it over loopback): a page can
      // only be served from there by us, so such a Host cannot be an attacker's rebound name.
      if (isLoopbackAddress(host) || isWildcardHost(host) || this.fixedAddresses.has(host)) return this.settle(hostHeader, true);
      // Interface addresses come and go: asked afresh each time, never remembered.
      if (this.currentAddresses(false).has(host)) return true;
      return this.currentAddresses(true).has(host);
    }
    // Names and suffixes are fixed at construction.
    return this.settle(hostHeader, this.names.has(host) || this.suffixes.some((suffix) => host.endsWith(suffix)));
  }

  /** Remembers an answer that depends on the header's text alone; bounded, since any text can arrive. */
  private settle(hostHeader: string, allowed: boolean): boolean {
    if (this.settled.size >= MAX_SETTLED_HOSTS) this.settled.clear();
    this.settled.set(hostHeader, allowed);
    return allowed;
  }

  private add(entry: string): void {
    const host = entry.trim().toLowerCase().replace(/\.$/, '');
    if (host === '') return;
    if (host.startsWith('.')) this.suffixes.push(host);
    else if (isIpLiteral(host)) this.fixedAddresses.add(normaliseAddress(host));
    else this.names.add(host);
  }

  private currentAddresses(refresh: boolean): Set<string> {
    const now = this.now();
    if (refresh ? now - this.addressesReadAt >= ADDRESS_REFRESH_MS : this.addressesReadAt === Number.NEGATIVE_INFINITY) {
      this.addresses = this.readAddresses();
      this.addressesReadAt = now;
    }
    return this.addresses;
  }
}

/**
 * The host part of a Host header, lower case, without port or trailing dot; IPv6 without
 * brackets. Undefined for anything that is not a plausible host (spaces, userinfo, paths).
 */
export function hostOf(hostHeader: string): string | undefined {
  const value = hostHeader.trim().toLowerCase();
  let host: string;
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end === -1) return undefined;
    const rest = value.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    host = value.slice(1, end);
    if (!isIpLiteral(host)) return undefined;
    return normaliseAddress(host);
  }
  const colon = value.lastIndexOf(':');
  if (colon !== -1) {
    if (!/^\d{1,5}$/.test(value.slice(colon + 1))) return undefined;
    host = value.slice(0, colon);
  } else {
    host = value;
  }
  host = host.replace(/\.$/, '');
  if (!/^[a-z0-9_.-]+$/.test(host) || host === '') return undefined;
  return host;
}
