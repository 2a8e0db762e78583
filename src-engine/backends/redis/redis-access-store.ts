import { randomUUID } from 'node:crypto';
import { redisUrlForLogs } from './redis-url.js';
import { Redis } from 'ioredis';
import type { AccessStateStore } from '../../server/access/access-state-store.js';
import { hashSecret } from '../../server/access/secret.js';
import { DEFAULT_LIMITS, type ServerLimits } from '../../server/access/server-limits.js';
import { AccessStoreError } from './access-store-error.js';
import { RedisAccessChannel } from './redis-access-channel.js';
import { accessKeys, DEFAULT_ACCESS_PREFIX, type AccessEvent } from './redis-access-keys.js';
import { resolveClusterToken } from './redis-cluster-token.js';
import { RedisDeviceDirectory } from './redis-device-directory.js';
import { RedisPairingCodes } from './redis-pairing-codes.js';
import { RedisSharedFailures } from './redis-shared-failures.js';

/** Options of {@link openRedisAccessStore}. */
export interface RedisAccessStoreOptions {
  /** `redis://[user:password@]host:port[/db]` (`--redis`); used when no `client` is given. */
  url?: string;
  /** A connection to use instead of `url`: left open by {@link RedisAccessStore.close} (its owner closes it). */
  client?: Redis;
  /** An explicit API token (`--token`): must be the cluster's, or becomes it when the cluster has none. */
  token?: string;
  /** Prefix of every key and the channel. Default `task-monitor:access:`. */
  prefix?: string;
  /**
   * The device cookie's name on every node (nodes behind one address may listen on different
   * ports). Default: `task_monitor_device_` and a short hash of the prefix.
   */
  cookieName?: string;
  /** The failure limit, counted across the cluster. Default: the server's defaults. */
  limits?: Pick<ServerLimits, 'maxAuthFailures' | 'authFailureWindowMs'>;
  /** Life of an unrenewed pairing code in Redis (a stopped node's code expires). Default 15 min. */
  pairingCodeTtlMs?: number;
  /** Interval of the subscription's liveness check. Default 2 s. */
  heartbeatMs?: number;
  /**
   * Silence of the subscription after which device cookies are answered 503 rather than checked
   * against a copy that may have missed a revocation. Default 10 s.
   */
  maxStaleMs?: number;
}

/** The shared access state of one node, open on Redis. */
export interface RedisAccessStore extends AccessStateStore {
  /** This node's id (random per start): tags its notifications and its pairing codes. */
  readonly nodeId: string;
  readonly devices: RedisDeviceDirectory;
  readonly pairing: RedisPairingCodes;
  /**
   * Hears what goes wrong after the start (Redis unreachable, a write that failed); problems
   * before the first listener are kept and replayed to it. Answers the unsubscribe.
   */
  onProblem(listener: (message: string, error?: unknown) => void): () => void;
}

/** How often last-seen times are written and the copy is compared with Redis. */
const FLUSH_MS = 60_000;

/**
 * Opens the access state shared by every node of a cluster through Redis: paired devices
 * (pair on one node, use on any; revoke on one, refused on all), pairing codes any node redeems
 * once, the cluster's one API token, failures limited cluster-wide. Checks stay synchronous: they
 * read a local copy loaded here and kept fresh by pub/sub. Rejects with an {@link AccessStoreError}
 * (ERR_ACCESS_STORE_UNAVAILABLE, ERR_CLUSTER_TOKEN_MISMATCH, ERR_CLUSTER_TOKEN_INVALID) when the
 * node must not start. See docs/security.md, "Several nodes".
 */
export async function openRedisAccessStore(options: RedisAccessStoreOptions): Promise<RedisAccessStore> {
  if (!options.client && !options.url) throw new TypeError('openRedisAccessStore needs a url or a client');
  const keys = accessKeys(options.prefix ?? DEFAULT_ACCESS_PREFIX);
  const nodeId = randomUUID();
  const problems = new ProblemRelay();
  const onProblem = (message: string, error?: unknown): void => problems.report(message, error);
  const owned = options.client === undefined;
  // One retry per command: a request waiting on Redis fails fast (503) rather than hangs.
  const redis = options.client ?? new Redis(options.url!, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5000 });
  const subscriber = redis.duplicate({ lazyConnect: true, autoResubscribe: false, maxRetriesPerRequest: 1 });
  if (owned) redis.on('error', (error: unknown) => onProblem('the Redis connection failed', error));
  subscriber.on('error', (error: unknown) => onProblem('the Redis subscription failed', error));
  let channel: RedisAccessChannel | undefined;
  let pairing: RedisPairingCodes | undefined;
  try {
    await Promise.all([owned ? redis.connect() : Promise.resolve(), subscriber.connect()]).catch((error: unknown) => {
      throw new AccessStoreError('ERR_ACCESS_STORE_UNAVAILABLE', `Redis at ${options.url ? redisUrlForLogs(options.url) : 'the given connection'} cannot be reached: ${(error as Error).message}`, { cause: error });
    });
    const apiToken = await unavailableOnError(resolveClusterToken(redis, keys.token, options.token));
    const limits = options.limits ?? DEFAULT_LIMITS;
    const failures = new RedisSharedFailures({ redis, keys, nodeId, maxFailures: limits.maxAuthFailures, windowMs: limits.authFailureWindowMs, onProblem });
    const devices = new RedisDeviceDirectory({ redis, keys, nodeId, staleness: () => (channel ? channel.staleness() : 'not yet synchronised with Redis'), onProblem });
    const dispatch = (event: AccessEvent): void => {
      devices.apply(event);
      pairing?.apply(event);
      failures.apply(event);
    };
    channel = await unavailableOnError(
      RedisAccessChannel.open({
        subscriber,
        channel: keys.channel,
        heartbeatMs: options.heartbeatMs ?? 2000,
        maxStaleMs: options.maxStaleMs ?? 10_000,
        resync: () => devices.resync(),
        onEvent: dispatch,
        onProblem,
      }),
    );
    pairing = await unavailableOnError(RedisPairingCodes.open({ redis, keys, nodeId, ttlMs: options.pairingCodeTtlMs ?? 15 * 60_000, onProblem }));
    const openChannel = channel;
    const openPairing = pairing;
    const upkeep = setInterval(() => {
      void devices
        .flush()
        .then(() => devices.resync())
        .catch((error: unknown) => onProblem('could not compare paired devices with Redis', error));
    }, FLUSH_MS);
    upkeep.unref();
    let closing: Promise<void> | undefined;
    return {
      nodeId,
      devices,
      pairing: openPairing,
      apiToken,
      tokenLocation: `Redis key ${keys.token}`,
      deviceCookieName: options.cookieName ?? clusterCookieName(options.prefix ?? DEFAULT_ACCESS_PREFIX),
      warnings: [],
      failures,
      onProblem: (listener) => problems.listen(listener),
      close: () =>
        (closing ??= (async () => {
          clearInterval(upkeep);
          await openPairing.close();
          await devices.close();
          await openChannel.close();
          if (owned) await redis.quit().catch(() => redis.disconnect());
        })()),
    };
  } catch (error) {
    await pairing?.close().catch(() => undefined);
    if (channel) await channel.close();
    else subscriber.disconnect(); // an unopened channel closed itself
    if (owned) redis.disconnect();
    throw error;
  }
}

/** Redis errors while loading become ERR_ACCESS_STORE_UNAVAILABLE; our own errors pass. */
async function unavailableOnError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof AccessStoreError) throw error;
    throw new AccessStoreError('ERR_ACCESS_STORE_UNAVAILABLE', `The access state could not be loaded from Redis: ${(error as Error).message}`, { cause: error });
  }
}

/** A cookie name per cluster: two clusters served from one host name keep their cookies apart. */
function clusterCookieName(prefix: string): string {
  return `task_monitor_device_${hashSecret(prefix).slice(0, 12)}`;
}

/** Problems reported before anyone listens are kept (a few) and replayed to the first listener. */
class ProblemRelay {
  private readonly listeners = new Set<(message: string, error?: unknown) => void>();
  private readonly early: Array<[string, unknown]> = [];

  report(message: string, error?: unknown): void {
    if (this.listeners.size === 0) {
      if (this.early.length < 20) this.early.push([message, error]);
      return;
    }
    for (const listener of this.listeners) listener(message, error);
  }

  listen(listener: (message: string, error?: unknown) => void): () => void {
    this.listeners.add(listener);
    for (const [message, error] of this.early.splice(0)) listener(message, error);
    return () => this.listeners.delete(listener);
  }
}
