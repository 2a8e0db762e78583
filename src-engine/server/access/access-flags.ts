import { tokenProblem } from './api-token.js';
import { isIP } from 'node:net';
import { hostOf } from './host-allowlist.js';
import { normaliseAddress } from './network-address.js';

/**
 * Where `--headless` listens unless `--host` says otherwise: every IPv4 interface, because a
 * headless server exists to be opened from other devices, and pairing now guards the LAN. The
 * programmatic default of startTaskMonitor() stays loopback (tests, the desktop app).
 */
export const HEADLESS_DEFAULT_HOST = '0.0.0.0';

/**
 * `--allow-host` values (repeatable) or TASK_MONITOR_ALLOW_HOST (comma-separated): host names
 * or addresses, without scheme or port; a leading dot (`.lan.example`) allows subdomains.
 * Throws with a message for anything else.
 */
export function parseAllowHosts(fromFlags: readonly string[] | undefined, fromEnv: string | undefined): string[] {
  const raw = fromFlags ?? (fromEnv ? fromEnv.split(',') : []);
  const hosts: string[] = [];
  for (const entry of raw.map((value) => value.trim()).filter((value) => value !== '')) {
    const host = allowHostEntry(entry);
    if (host === undefined) throw new Error(`--allow-host must be a host name or address without scheme or port, e.g. monitor.lan (got '${entry}')`);
    hosts.push(host);
  }
  return hosts;
}

/** `--token` / TASK_MONITOR_TOKEN, checked; undefined when not given. Throws with a message for a weak one. */
export function parseToken(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const problem = tokenProblem(raw);
  if (problem) throw new Error(`--token: ${problem}`);
  return raw;
}

/** One `--allow-host` entry normalised (`.suffix`, a name, an address), or undefined when it is not one. */
function allowHostEntry(entry: string): string | undefined {
  if (isIP(normaliseAddress(entry)) !== 0) return normaliseAddress(entry); // 10.0.0.5, fd00::5, [fd00::5]
  const suffix = entry.startsWith('.');
  const name = suffix ? entry.slice(1) : entry;
  if (name.includes(':') || name.includes('/')) return undefined; // a port, a scheme, a path
  const host = hostOf(name);
  if (host === undefined) return undefined;
  return suffix ? `.${host}` : host;
}
