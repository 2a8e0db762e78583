/**
 * Which browser origins may talk to the server: its own origin (the page it served, whatever name
 * it was reached by; the Host header itself has passed the {@link HostAllowlist}) and the
 * configured `--allow-origin` list. Every other origin, including the opaque `null` of sandboxed
 * frames and files, is foreign: a page from there gets 403 on every request and WebSocket.
 */
export class OriginPolicy {
  private readonly allowed: Set<string>;

  constructor(allowOrigins: readonly string[] = []) {
    this.allowed = new Set(allowOrigins.map((origin) => origin.toLowerCase().replace(/\/$/, '')));
  }

  /** Whether a request's Origin header (present) is allowed, given the request's Host header. */
  isAllowed(origin: string, hostHeader: string | undefined): boolean {
    const normalised = origin.trim().toLowerCase();
    if (this.allowed.has(normalised)) return true;
    if (hostHeader === undefined) return false;
    let url: URL;
    try {
      url = new URL(normalised);
    } catch {
      return false;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    // An origin is scheme://host[:port] and nothing else; anything more is not a real Origin.
    if (url.origin !== normalised) return false;
    return url.host === defaultPortless(hostHeader.trim().toLowerCase(), url.protocol);
  }
}

/** `example:80` → `example` for http (URL.host drops default ports; the Host header may not). */
function defaultPortless(host: string, protocol: string): string {
  if (protocol === 'http:' && host.endsWith(':80')) return host.slice(0, -3);
  if (protocol === 'https:' && host.endsWith(':443')) return host.slice(0, -4);
  return host;
}
