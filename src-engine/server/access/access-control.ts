import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorCode } from '../error-catalog.js';
import type { AccessStateStore, DeviceDirectory, PairingCodeIssuer, SharedFailures } from './access-state-store.js';
import { bearerToken, clearedDeviceCookie, deviceCookie, deviceCookieName, readCookie } from './device-cookie.js';
import { DeviceRegistry, describeUserAgent, type PairedDevice } from './device-registry.js';
import { FailureLimiter } from './failure-limiter.js';
import { openFileAccessStore, type FileAccessStoreOptions } from './file-access-store.js';
import { HostAllowlist } from './host-allowlist.js';
import { addressBucket, isLoopbackAddress, normaliseAddress } from './network-address.js';
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

/** The owner's verdicts, shared by every request that gets one (this runs on every request). */
const LOOPBACK_OWNER: AccessVerdict = Object.freeze({ ok: true, principal: Object.freeze({ kind: 'owner', via: 'loopback' }) });
const TOKEN_OWNER: AccessVerdict = Object.freeze({ ok: true, principal: Object.freeze({ kind: 'owner', via: 'token' }) });

/** Options of {@link AccessControl}. */
export interface AccessControlOptions {
  /** Origins allowed besides the server's own (`--allow-origin`). */
  allowOrigins?: readonly string[];
  /** Names allowed in the Host header besides the built-in ones (`--allow-host`). */
  allowHosts?: readonly string[];
  /** The address the server listens on. */
  listenHost?: string;
  /** Paired devices; default: in memory. */
  devices?: DeviceDirectory;
  /** The API token (`Authorization: Bearer`); none: bearer authentication is off. */
  apiToken?: string;
  pairing?: PairingCodeIssuer;
  /** Failed attempts shared with other nodes; default: counted on this node only. */
  sharedFailures?: SharedFailures;
  /**
   * The device cookie's name, the same whatever port a request arrived on (several nodes behind
   * one address). Default: named after the server's port ({@link deviceCookieName}).
   */
  deviceCookieName?: string;
  /** Closed with the policy ({@link AccessControl.close}) instead of `devices` alone. */
  state?: Pick<AccessStateStore, 'close' | 'onProblem'>;
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
  readonly devices: DeviceDirectory;
  readonly pairing: PairingCodeIssuer;
  readonly failures: FailureLimiter;
  readonly tokenFile: string | undefined;
  readonly warnings: readonly string[];
  private readonly hosts: HostAllowlist;
  private readonly origins: OriginPolicy;
  private readonly apiToken: string | undefined;
  private readonly sharedFailures: SharedFailures | undefined;
  private readonly state: Pick<AccessStateStore, 'close' | 'onProblem'> | undefined;
  private readonly stopHearingBlocks: () => void;
  private readonly fixedCookieName: string | undefined;

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
    this.sharedFailures = options.sharedFailures;
    this.state = options.state;
    this.fixedCookieName = options.deviceCookieName;
    this.stopHearingBlocks = this.sharedFailures?.onBlocked((bucket, until) => this.failures.blockUntil(bucket, until)) ?? (() => undefined);
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
    const cookieHeader = single(request.headers.cookie);
    // Named only when there is a cookie to read (or clear): most requests carry none.
    const cookieName = cookieHeader === undefined ? '' : (this.fixedCookieName ?? deviceCookieName(request.localPort));
    const cookie = cookieHeader === undefined ? undefined : readCookie(cookieHeader, cookieName);
    if (bearer !== undefined || cookie !== undefined) {
      // While blocked, no credential is even looked at: a right guess must look like a wrong one.
      const wait = this.failures.retryAfterSeconds(address);
      if (wait > 0) return { ok: false, refusal: tooManyAttempts(wait) };
    }
    if (bearer !== undefined) {
      if (this.apiToken !== undefined && sameSecret(bearer, this.apiToken)) return TOKEN_OWNER;
      this.fail(address);
      return { ok: false, refusal: { code: 'INVALID_TOKEN', message: 'The bearer token is not valid' } };
    }
    const loopback = isLoopbackAddress(address);
    let setCookie: string | undefined;
    const stale = cookie === undefined ? undefined : this.devices.staleness?.();
    if (stale !== undefined && !loopback) {
      // A shared copy that may have missed a revocation: neither trust the cookie nor clear it.
      return { ok: false, refusal: { code: 'STORAGE_FAILED', message: `Paired devices cannot be checked right now (${stale}): try again shortly`, retryAfterSeconds: 5 } };
    }
    if (cookie !== undefined && stale === undefined) {
      const device = this.devices.authenticate(cookie, address);
      if (device) return { ok: true, principal: { kind: 'device', deviceId: device.id } };
      // A revoked or forged device cookie: remove it, so a browser does not keep failing with it.
      setCookie = clearedDeviceCookie(cookieName);
      if (!loopback) {
        this.fail(address);
        return { ok: false, setCookie, refusal: { code: 'AUTH_REQUIRED', message: 'This device is no longer paired with the server: open a new pairing link to pair it again' } };
      }
    }
    if (loopback) return setCookie ? { ...LOOPBACK_OWNER, setCookie } : LOOPBACK_OWNER;
    return {
      ok: false,
      refusal: { code: 'AUTH_REQUIRED', message: 'This device is not paired with the server: open the pairing link shown by the server (or send Authorization: Bearer TOKEN)' },
    };
  }

  /**
   * For a shared store: a device cookie this node does not know yet, looked up before the verdict
   * (a device paired on another node a moment ago). Undefined when {@link authenticate} can
   * answer at once, which is every other case: no cookie, a bearer token, a known device, a
   * blocked address.
   */
  lookUpDevice(request: AccessRequest): Promise<void> | undefined {
    if (!this.devices.lookUp || single(request.headers.authorization) !== undefined) return undefined;
    const cookie = readCookie(single(request.headers.cookie), this.fixedCookieName ?? deviceCookieName(request.localPort));
    if (cookie === undefined || this.devices.staleness?.() !== undefined) return undefined;
    if (this.failures.retryAfterSeconds(normaliseAddress(request.remoteAddress)) > 0) return undefined;
    return this.devices.lookUp(cookie);
  }

  /**
   * Pairs the requesting device when `code` is the current pairing code (which is then spent).
   * Answers the Set-Cookie header carrying its new token, or why not.
   */
  async redeemPairingCode(request: AccessRequest, code: string | undefined): Promise<{ ok: true; setCookie: string; device: PairedDevice; saved: boolean } | { ok: false; refusal: Refusal }> {
    const address = normaliseAddress(request.remoteAddress);
    const wait = this.failures.retryAfterSeconds(address);
    if (wait > 0) return { ok: false, refusal: tooManyAttempts(wait) };
    let spent = false;
    try {
      spent = code !== undefined && code.length <= 256 && (await this.pairing.spend(code));
    } catch {
      // The shared store cannot be reached: not the requester's failure, so it is not counted.
      return { ok: false, refusal: unavailable('the pairing code cannot be checked') };
    }
    if (!spent) {
      this.fail(address);
      return { ok: false, refusal: { code: 'INVALID_PAIRING_CODE', message: 'This pairing link is not valid: it may have been used already. Ask for a new one (the server prints it)' } };
    }
    const cookieName = this.fixedCookieName ?? deviceCookieName(request.localPort);
    const previousToken = readCookie(single(request.headers.cookie), cookieName);
    const previous = previousToken === undefined || this.devices.staleness?.() !== undefined ? undefined : this.devices.authenticate(previousToken, address);
    let paired: Awaited<ReturnType<DeviceDirectory['pair']>>;
    try {
      paired = await this.devices.pair({ name: describeUserAgent(single(request.headers['user-agent'])), address });
    } catch {
      return { ok: false, refusal: unavailable('the device cannot be paired') };
    }
    // The same browser pairing again replaces its old pairing rather than leaving a stale entry.
    if (previous) await this.devices.revoke(previous.id).catch(() => undefined);
    return { ok: true, setCookie: deviceCookie(cookieName, paired.token, request.encrypted), device: paired.device, saved: paired.saved };
  }

  /** Hears the state's problems after the start (see {@link AccessStateStore.onProblem}); answers the unsubscribe. */
  onStateProblem(listener: (message: string, error?: unknown) => void): () => void {
    return this.state?.onProblem?.(listener) ?? (() => undefined);
  }

  /** Writes pending state (device last-seen times) and lets go of the state's connections. */
  close(): Promise<void> {
    this.stopHearingBlocks();
    return this.state ? this.state.close() : this.devices.close();
  }

  /** Counts a failed attempt here, and tells the other nodes when they share failures. */
  private fail(address: string): void {
    this.failures.fail(address);
    this.sharedFailures?.report(addressBucket(address));
  }
}

/** Options of {@link createAccessControl}: what the launcher knows. */
export interface AccessStateOptions
  extends Omit<AccessControlOptions, 'devices' | 'pairing' | 'apiToken' | 'tokenFile' | 'warnings' | 'sharedFailures' | 'state' | 'deviceCookieName'>,
    FileAccessStoreOptions {
  /**
   * Where the access state lives (several nodes: `openRedisAccessStore`). Given, `dataDir`,
   * `inMemory` and `token` are not used: the store was opened with its own. Default: the data
   * folder ({@link openFileAccessStore}).
   */
  accessStore?: AccessStateStore;
}

/**
 * Builds the access policy with its state: from the data folder by default (the API token,
 * created at first start, and the paired devices; bad state on disk fails closed and is reported
 * in `warnings`, see {@link openFileAccessStore}), or from the given `accessStore`.
 */
export function createAccessControl(options: AccessStateOptions = {}): AccessControl {
  const { dataDir, inMemory, token, accessStore, ...policy } = options;
  const state =
    accessStore ?? openFileAccessStore({ ...(dataDir !== undefined ? { dataDir } : {}), ...(inMemory !== undefined ? { inMemory } : {}), ...(token !== undefined ? { token } : {}) });
  return new AccessControl({
    ...policy,
    devices: state.devices,
    pairing: state.pairing,
    ...(state.apiToken ? { apiToken: state.apiToken } : {}),
    ...(state.tokenLocation ? { tokenFile: state.tokenLocation } : {}),
    ...(state.failures ? { sharedFailures: state.failures } : {}),
    ...(state.deviceCookieName ? { deviceCookieName: state.deviceCookieName } : {}),
    warnings: state.warnings,
    state,
  });
}

function unavailable(what: string): Refusal {
  return { code: 'STORAGE_FAILED', message: `The access state cannot be reached: ${what} right now. Try again shortly`, retryAfterSeconds: 5 };
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
