/** Default prefix of every key and channel of the shared access state. */
export const DEFAULT_ACCESS_PREFIX = 'task-monitor:access:';

/** Names of the keys and the channel of the shared access state, under one prefix. */
export interface AccessKeys {
  /** Hash: device token hash → device JSON (no usable token is ever stored). */
  readonly devices: string;
  /** Hash: device id → device token hash (revocation by id). */
  readonly deviceIds: string;
  /** String: the cluster's API token. */
  readonly token: string;
  /** String per live pairing code, by code hash → issuing node id, with a TTL. */
  pairingCode(codeHash: string): string;
  /** Counter per address bucket of failed attempts, expiring with the failure window. */
  failures(bucket: string): string;
  /** Pub/sub channel of {@link AccessEvent}s. */
  readonly channel: string;
}

/** The keys under a prefix (one per cluster; two clusters may share a Redis with two prefixes). */
export function accessKeys(prefix: string = DEFAULT_ACCESS_PREFIX): AccessKeys {
  return {
    devices: `${prefix}devices`,
    deviceIds: `${prefix}device-ids`,
    token: `${prefix}token`,
    pairingCode: (codeHash) => `${prefix}pairing:${codeHash}`,
    failures: (bucket) => `${prefix}failures:${bucket}`,
    channel: `${prefix}events`,
  };
}

/** What nodes tell each other on the channel. `origin` is the sending node's id. */
export type AccessEvent =
  | { readonly type: 'paired'; readonly origin: string; readonly device: SharedDevice }
  | { readonly type: 'revoked'; readonly origin: string; readonly id: string; readonly tokenHash: string }
  | { readonly type: 'pairing-spent'; readonly origin: string; readonly issuer: string }
  | { readonly type: 'blocked'; readonly origin: string; readonly bucket: string; readonly ttlMs: number };

/** A paired device as stored in Redis (the same fields as a line of devices.json). */
export interface SharedDevice {
  id: string;
  name: string;
  createdAt: string;
  lastSeenAt: string;
  lastAddress: string;
  /** SHA-256 of the device token. */
  tokenHash: string;
}

/** A device read back from Redis, or undefined when the JSON is not one (it is then ignored). */
export function parseSharedDevice(text: string): SharedDevice | undefined {
  try {
    const value = JSON.parse(text) as Partial<SharedDevice>;
    const fields = ['id', 'name', 'createdAt', 'lastSeenAt', 'lastAddress', 'tokenHash'] as const;
    if (fields.some((field) => typeof value[field] !== 'string') || !/^[0-9a-f]{64}$/.test(value.tokenHash!)) return undefined;
    return { id: value.id!, name: value.name!, createdAt: value.createdAt!, lastSeenAt: value.lastSeenAt!, lastAddress: value.lastAddress!, tokenHash: value.tokenHash! };
  } catch {
    return undefined;
  }
}

/** An event read from the channel, or undefined for anything else (another version, garbage). */
export function parseAccessEvent(text: string): AccessEvent | undefined {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (typeof value['origin'] !== 'string') return undefined;
    switch (value['type']) {
      case 'paired': {
        const device = typeof value['device'] === 'object' ? parseSharedDevice(JSON.stringify(value['device'])) : undefined;
        return device ? { type: 'paired', origin: value['origin'], device } : undefined;
      }
      case 'revoked':
        return typeof value['id'] === 'string' && typeof value['tokenHash'] === 'string' ? { type: 'revoked', origin: value['origin'], id: value['id'], tokenHash: value['tokenHash'] } : undefined;
      case 'pairing-spent':
        return typeof value['issuer'] === 'string' ? { type: 'pairing-spent', origin: value['origin'], issuer: value['issuer'] } : undefined;
      case 'blocked':
        return typeof value['bucket'] === 'string' && typeof value['ttlMs'] === 'number' ? { type: 'blocked', origin: value['origin'], bucket: value['bucket'], ttlMs: value['ttlMs'] } : undefined;
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}
