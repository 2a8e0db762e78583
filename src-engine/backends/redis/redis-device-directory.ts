import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { DeviceDirectory } from '../../server/access/access-state-store.js';
import type { PairedDevice } from '../../server/access/device-registry.js';
import { hashSecret, newSecret } from '../../server/access/secret.js';
import { parseSharedDevice, type AccessEvent, type AccessKeys, type SharedDevice } from './redis-access-keys.js';

/** How often lastSeenAt changes in memory at most (as in the single-node registry). */
const LAST_SEEN_RESOLUTION_MS = 10_000;

/** Deletes a device by id, and tells every node, in one step: a revocation is never half done. */
const REVOKE_SCRIPT = `
local hash = redis.call('HGET', KEYS[2], ARGV[1])
if not hash then return false end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], hash)
redis.call('PUBLISH', ARGV[2], cjson.encode({ type = 'revoked', origin = ARGV[3], id = ARGV[1], tokenHash = hash }))
return hash`;

/** Writes a device's last-seen time only while it is still paired: a late write never brings a revoked device back. */
const TOUCH_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1 end
return 0`;

/** Options of {@link RedisDeviceDirectory}. */
export interface RedisDeviceDirectoryOptions {
  redis: Redis;
  keys: AccessKeys;
  /** This node's id: its own notifications are not applied twice. */
  nodeId: string;
  /** Why the local copy cannot be trusted right now (the subscription's health). */
  staleness: () => string | undefined;
  onProblem: (message: string, error?: unknown) => void;
}

/**
 * Paired devices shared by every node through Redis. Checks read a local copy (synchronously, as
 * the single-node registry does); the copy is loaded at start, kept fresh by the channel's
 * `paired` and `revoked` notifications, and reloaded after a reconnection. Revocations remove
 * the device from Redis and notify in one script; every node's listeners then close the
 * device's sockets. Devices revoked here are remembered, so a reload that raced a revocation
 * never brings one back.
 */
export class RedisDeviceDirectory implements DeviceDirectory {
  private readonly byHash = new Map<string, SharedDevice>();
  /** When each entry was learned, in {@link generation}s: a reload removes only entries older than itself. */
  private readonly learnedAt = new Map<string, number>();
  private readonly revokedHashes = new Set<string>();
  private readonly revokedListeners = new Set<(id: string) => void>();
  private readonly touched = new Set<string>();
  private generation = 0;

  constructor(private readonly options: RedisDeviceDirectoryOptions) {}

  list(): PairedDevice[] {
    return [...this.byHash.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(publicView);
  }

  get size(): number {
    return this.byHash.size;
  }

  /** Stores the device in Redis (and announces it) before answering: rejects when Redis cannot take it. */
  async pair(info: { name: string; address: string }): Promise<{ device: PairedDevice; token: string; saved: boolean }> {
    const { redis, keys, nodeId } = this.options;
    const token = newSecret(32);
    const now = new Date().toISOString();
    const device: SharedDevice = { id: randomUUID(), name: info.name, createdAt: now, lastSeenAt: now, lastAddress: info.address, tokenHash: hashSecret(token) };
    const event: AccessEvent = { type: 'paired', origin: nodeId, device };
    const replies = await redis
      .multi()
      .hset(keys.devices, device.tokenHash, JSON.stringify(device))
      .hset(keys.deviceIds, device.id, device.tokenHash)
      .publish(keys.channel, JSON.stringify(event))
      .exec();
    const failed = replies?.find(([error]) => error);
    if (!replies || failed) throw failed?.[0] ?? new Error('the pairing transaction was discarded');
    this.learn(device);
    return { device: publicView(device), token, saved: true };
  }

  authenticate(token: string, address: string): PairedDevice | undefined {
    const device = this.byHash.get(hashSecret(token));
    if (!device) return undefined;
    const now = Date.now();
    if (now - Date.parse(device.lastSeenAt) >= LAST_SEEN_RESOLUTION_MS || device.lastAddress !== address) {
      device.lastSeenAt = new Date(now).toISOString();
      device.lastAddress = address;
      this.touched.add(device.tokenHash);
    }
    return publicView(device);
  }

  /**
   * Revokes here at once, then in Redis (which tells the other nodes). `saved` is false when
   * Redis could not be reached: the device is refused on this node only, until it is revoked again
   * (on any node).
   */
  async revoke(id: string): Promise<{ found: boolean; saved: boolean }> {
    const { redis, keys, nodeId } = this.options;
    const local = [...this.byHash.values()].find((device) => device.id === id);
    if (local) this.forget(local.tokenHash, local.id);
    try {
      const hash = (await redis.eval(REVOKE_SCRIPT, 2, keys.devices, keys.deviceIds, id, keys.channel, nodeId)) as string | null;
      // Known in Redis but not here yet (paired elsewhere a moment ago): gone now, sockets closed anyway.
      if (hash && !local) this.forget(hash, id);
      return { found: local !== undefined || hash !== null, saved: true };
    } catch (error) {
      this.options.onProblem(`device ${id} is refused on this node only (Redis could not be reached): revoke it again to revoke it everywhere`, error);
      return { found: local !== undefined, saved: false };
    }
  }

  lookUp(token: string): Promise<void> | undefined {
    const hash = hashSecret(token);
    if (this.byHash.has(hash) || this.revokedHashes.has(hash)) return undefined;
    return this.options.redis.hget(this.options.keys.devices, hash).then(
      (text) => {
        const device = text === null ? undefined : parseSharedDevice(text);
        if (device && device.tokenHash === hash && !this.revokedHashes.has(hash) && !this.byHash.has(hash)) this.learn(device);
      },
      (error: unknown) => this.options.onProblem('could not look up a device in Redis', error),
    );
  }

  onRevoked(listener: (id: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  staleness(): string | undefined {
    return this.options.staleness();
  }

  /** Applies another node's notification. */
  apply(event: AccessEvent): void {
    if (event.origin === this.options.nodeId) return;
    if (event.type === 'paired' && !this.revokedHashes.has(event.device.tokenHash)) this.learn(event.device);
    if (event.type === 'revoked') this.forget(event.tokenHash, event.id);
  }

  /**
   * Reloads every device from Redis. Devices gone from Redis (revoked while this node was not
   * listening) are revoked here too, closing their sockets; newer last-seen times are kept.
   */
  async resync(): Promise<void> {
    const since = ++this.generation;
    const stored = await this.options.redis.hgetall(this.options.keys.devices);
    const seen = new Set<string>();
    for (const [hash, text] of Object.entries(stored)) {
      const device = parseSharedDevice(text);
      if (!device || device.tokenHash !== hash || this.revokedHashes.has(hash)) continue;
      seen.add(hash);
      const known = this.byHash.get(hash);
      if (known && known.lastSeenAt >= device.lastSeenAt) continue;
      if (known) Object.assign(known, { lastSeenAt: device.lastSeenAt, lastAddress: device.lastAddress });
      else this.learn(device);
    }
    for (const [hash, device] of [...this.byHash]) {
      if (!seen.has(hash) && (this.learnedAt.get(hash) ?? 0) < since) this.forget(hash, device.id);
    }
  }

  /** Writes the last-seen times noted since the previous flush (never for a device revoked meanwhile). */
  async flush(): Promise<void> {
    const hashes = [...this.touched];
    this.touched.clear();
    for (const hash of hashes) {
      const device = this.byHash.get(hash);
      if (!device) continue;
      try {
        await this.options.redis.eval(TOUCH_SCRIPT, 1, this.options.keys.devices, hash, JSON.stringify(device));
      } catch (error) {
        this.touched.add(hash);
        this.options.onProblem('could not write last-seen times to Redis', error);
        return;
      }
    }
  }

  /** Writes pending last-seen times. */
  close(): Promise<void> {
    return this.flush();
  }

  private learn(device: SharedDevice): void {
    this.byHash.set(device.tokenHash, { ...device });
    this.learnedAt.set(device.tokenHash, this.generation);
  }

  private forget(hash: string, id: string): void {
    this.revokedHashes.add(hash);
    this.byHash.delete(hash);
    this.learnedAt.delete(hash);
    this.touched.delete(hash);
    for (const listener of this.revokedListeners) listener(id);
  }
}

function publicView(device: SharedDevice): PairedDevice {
  return { id: device.id, name: device.name, createdAt: device.createdAt, lastSeenAt: device.lastSeenAt, lastAddress: device.lastAddress };
}
