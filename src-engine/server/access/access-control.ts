import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import type { ErrorCode } from '../error-catalog.js';
import { loadOrCreateApiToken, tokenProblem } from './api-token.js';
import { bearerToken, clearedDeviceCookie, deviceCookie, deviceCookieName, readCookie } from './device-cookie.js';
import { DEVICES_FILE, DeviceRegistry, describeUserAgent, type PairedDevice } from './device-registry.js';
import { FailureLimiter } from './failure-limiter.js';
import { HostAllowlist } from './host-allowlist.js';
import { isLoopbackAddress, normaliseAddress } from './network-address.js';
import { OriginPolicy } from './origin-policy.js';
import { PairingCodes } from './pairing-codes.js';
import { sameSecret } from './secret.js';
import { DEFAULT_LIMITS, type ServerLimits } from './server-limits.js';

/**
 * Who a request acts for. The owner is whoever sits at this machine (loopback, from no page or
 * one of ours) or holds the API token; a device is a browser paired with a one-time code.
 */
export type Principal = { readonly kind: 'owner'; readonly via: 'loopback' | 'token' } | { readonly kind: 'device'; readonly deviceId: string };

/** Why a request is refused: a catalog code, a message for people, and when to retry. */
export interface Refusal {
  readonly code: ErrorCode;
  readonly message: string;
  readonly retryAfterSeconds?: number;
}

/** The outcome of an access check; `setCookie` is a header to send either way (a stale device cookie removed). */
export type AccessVerdict =
  | { readonly ok: true; readonly principal: Principal; readonly setCookie?: string }
  | { readonly ok: false; readonly refusal: Refusal; readonly setCookie?: string };

/** What the checks need to know about a request (an HTTP request or a WebSocket upgrade). */
export interface AccessRequest {
  readonly remoteAddress: string | undefined;
  /** The server port it arrived on: names the device cookie. */
  readonly localPort: number | undefined;
  readonly encrypted: boolean;
  readonly headers: IncomingHttpHeaders;
}

/** Options of {@link AccessControl}. */
export interface AccessControlOptions {
  /** Origins allowed besides the server's own (`--allow-origin`). */
  allowOrigins?: readonly string[];
  /** Names allowed in the Host header besides the built-in ones (`--allow-host`). */
  allowHosts?: readonly string[];
  /** The address the server listens on. */
  listenHost?: string;
  /** Paired devices; default: in memory. */
  devices?: DeviceRegistry;
  /** The API token (`Authorization: Bearer`); none: bearer authentication is off. */
  apiToken?: string;
  pairing?: PairingCodes;
  limits?: Pick<ServerLimits, 'maxAuthFailures' | 'authFailureWindowMs'>;
  /** Where the API token is kept, to tell the operator. */
  tokenFile?: string;
  /** Things to log once the server has a logger (a repaired file mode, a corrupt file set aside). */
  warnings?: readonly string[];
  /** Test seam for the interface list and host name. */
  hostAllowlist?: HostAllowlist;
}

/**
 * The access policy, in one place for HTTP requests and WebSocket upgrades alike:
 *
 * 1. the Host header must name this server (DNS rebinding);
 * 2. an Origin header must be the server's own origin or an allowed one (cross-site requests,
 *    cross-site WebSocket hijacking);
 * 3. a bearer token or a device cookie, when presented, must be valid (failures are counted per
 *    address and blocked beyond a limit);
 * 4. without credentials, only loopback is let in, as the owner.
 */
export class AccessControl {
  readonly devices: DeviceRegistry;
  readonly pairing: PairingCodes;
  readonly failures: FailureLimiter;
  readonly tokenFile: string | undefined;
  readonly warnings: readonly string[];
  private readonly hosts: HostAllowlist;
  private readonly origins: OriginPolicy;
  private readonly apiToken: string | undefined;

  constructor(options: AccessControlOptions = {}) {
    this.devices = options.devices ?? DeviceRegistry.inMemory();
    this.pairing = options.pairing ?? new PairingCodes();
    this.hosts = options.hostAllowlist ?? new HostAllowlist({ allowHosts: options.allowHosts ?? [], ...(options.listenHost ? { listenHost: options.listenHost } : {}) });
    this.origins = new OriginPolicy(options.allowOrigins ?? []);
    this.apiToken = options.apiToken;
    this.tokenFile = options.tokenFile;
    this.warnings = options.warnings ?? [];
    const limits = options.limits ?? DEFAULT_LIMITS;
    this.failures = new FailureLimiter({ maxFailures: limits.maxAuthFailures, windowMs: limits.authFailureWindowMs });
  }

  /** Whether bearer authentication is on (an API token is configured). */
  get hasApiToken(): boolean {
    return this.apiToken !== undefined;
  }

  /** Steps 1 and 2: the request names this server and comes from no page, or from one of ours. */
  checkBoundary(request: AccessRequest): Refusal | undefined {
    const host = single(request.headers.host);
    if (host !== undefined && !this.hosts.isAllowed(host)) {
      return { code: 'HOST_NOT_ALLOWED', message: `This server is not known as '${printable(host)}'. If that is a name of this machine, start the server with --allow-host NAME` };
    }
    const origin = single(request.headers.origin);
    if (origin !== undefined && !this.origins.isAllowed(origin, host)) {
      return { code: 'ORIGIN_NOT_ALLOWED', message: `Requests from pages of ${printable(origin)} are not allowed. To allow a trusted origin, start the server with --allow-origin ORIGIN` };
    }
    return undefined;
  }

  /** Steps 3 and 4: who the request acts for, or why it may not act at all. */
  authenticate(request: AccessRequest): AccessVerdict {
    const address = normaliseAddress(request.remoteAddress);
    const bearer = bearerToken(single(request.headers.authorization));
    const cookieName = deviceCookieName(request.localPort);
    const cookie = readCookie(single(request.headers.cookie), cookieName);
    if (bearer !== undefined || cookie !== undefined) {
      // While blocked, no credential is even looked at: a right guess must look like a wrong one.
      const wait = this.failures.retryAfterSeconds(address);
      if (wait > 0) return { ok: false, refusal: tooManyAttempts(wait) };
    }
    if (bearer !== undefined) {
      if (this.apiToken !== undefined && sameSecret(bearer, this.apiToken)) return { ok: true, principal: { kind: 'owner', via: 'token' } };
      this.failures.fail(address);
      return { ok: false, refusal: { code: 'INVALID_TOKEN', message: 'The bearer token is not valid' } };
    }
    const loopback = isLoopbackAddress(address);
    let setCookie: string | undefined;
    if (cookie !== undefined) {
      const device = this.devices.authenticate(cookie, address);
      if (device) return { ok: true, principal: { kind: 'device', deviceId: device.id } };
      // A revoked or forged device cookie: remove it, so a browser does not keep failing with it.
      setCookie = clearedDeviceCookie(cookieName);
      if (!loopback) {
        this.failures.fail(address);
        return { ok: false, setCookie, refusal: { code: 'AUTH_REQUIRED', message: 'This device is no longer paired with the server: open a new pairing link to pair it again' } };
      }
    }
    if (loopback) return { ok: true, principal: { kind: 'owner', via: 'loopback' }, ...(setCookie ? { setCookie } : {}) };
    return {
      ok: false,
      refusal: { code: 'AUTH_REQUIRED', message: 'This device is not paired with the server: open the pairing link shown by the server (or send Authorization: Bearer TOKEN)' },
    };
  }

  /**
   * Pairs the requesting device when `code` is the current pairing code (which is then spent).
   * Answers the Set-Cookie header carrying its new token, or why not.
   */
  async redeemPairingCode(request: AccessRequest, code: string | undefined): Promise<{ ok: true; setCookie: string; device: PairedDevice; saved: boolean } | { ok: false; refusal: Refusal }> {
    const address = normaliseAddress(request.remoteAddress);
    const wait = this.failures.retryAfterSeconds(address);
    if (wait > 0) return { ok: false, refusal: tooManyAttempts(wait) };
    if (code === undefined || code.length > 256 || !this.pairing.spend(code)) {
      this.failures.fail(address);
      return { ok: false, refusal: { code: 'INVALID_PAIRING_CODE', message: 'This pairing link is not valid: it may have been used already. Ask for a new one (the server prints it)' } };
    }
    const cookieName = deviceCookieName(request.localPort);
    const previousToken = readCookie(single(request.headers.cookie), cookieName);
    const previous = previousToken === undefined ? undefined : this.devices.authenticate(previousToken, address);
    const { device, token, saved } = await this.devices.pair({ name: describeUserAgent(single(request.headers['user-agent'])), address });
    // The same browser pairing again replaces its old pairing rather than leaving a stale entry.
    if (previous) await this.devices.revoke(previous.id);
    return { ok: true, setCookie: deviceCookie(cookieName, token, request.encrypted), device, saved };
  }

  /** Writes pending state (device last-seen times). */
  close(): Promise<void> {
    return this.devices.close();
  }
}

/** Options of {@link createAccessControl}: what the launcher knows. */
export interface AccessStateOptions extends Omit<AccessControlOptions, 'devices' | 'apiToken' | 'tokenFile' | 'warnings'> {
  /** Data folder: `token` and `devices.json` live there. Without it, everything is in memory. */
  dataDir?: string;
  /** Keep pairing state in memory even with a data folder. */
  inMemory?: boolean;
  /** An explicit API token (`--token`); wins over the file, and is never written. */
  token?: string;
}

/**
 * Builds the access policy with its state from the data folder: the API token (created at first
 * start) and the paired devices. Never throws for bad state on disk: an unreadable token file
 * turns bearer authentication off, an unreadable devices file starts with no paired device; both
 * fail closed and are reported in `warnings`.
 */
export function createAccessControl(options: AccessStateOptions = {}): AccessControl {
  const warnings: string[] = [];
  const persistent = options.dataDir !== undefined && !options.inMemory;
  let apiToken: string | undefined;
  let tokenFile: string | undefined;
  if (options.token !== undefined) {
    const problem = tokenProblem(options.token);
    if (problem) warnings.push(`The configured API token is not used: ${problem}. Bearer authentication is off.`);
    else apiToken = options.token;
  } else if (persistent) {
    try {
      const source = loadOrCreateApiToken(options.dataDir!);
      apiToken = source.token;
      tokenFile = source.file;
      if (source.warning) warnings.push(source.warning);
    } catch (error) {
      warnings.push(`${(error as Error).message} Bearer authentication is off.`);
    }
  }
  let devices = DeviceRegistry.inMemory();
  if (persistent) {
    try {
      const opened = DeviceRegistry.open(join(options.dataDir!, DEVICES_FILE));
      devices = opened.registry;
      if (opened.warning) warnings.push(opened.warning);
    } catch (error) {
      warnings.push(`Paired devices could not be read (${(error as Error).message}); none is paired until they pair again, and pairings are kept in memory only.`);
    }
  }
  const { dataDir: _dataDir, inMemory: _inMemory, token: _token, ...policy } = options;
  return new AccessControl({ ...policy, devices, ...(apiToken ? { apiToken } : {}), ...(tokenFile ? { tokenFile } : {}), warnings });
}

function tooManyAttempts(retryAfterSeconds: number): Refusal {
  return { code: 'TOO_MANY_ATTEMPTS', message: `Too many failed attempts from this address: try again in ${retryAfterSeconds} s`, retryAfterSeconds };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Header values end up in messages and logs: keep them short and free of controls. */
function printable(value: string): string {
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > 100 ? `${clean.slice(0, 100)}…` : clean;
}
