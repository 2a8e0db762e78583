import type { Redis } from 'ioredis';
import type { SharedFailures } from '../../server/access/access-state-store.js';
import type { AccessEvent, AccessKeys } from './redis-access-keys.js';

/**
 * Counts a failure in the cluster-wide window of an address bucket; the failure that fills the
 * window tells every node to block the bucket for the rest of it (the remaining TTL, so no clock
 * needs to agree).
 */
const FAIL_SCRIPT = `
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if failures == tonumber(ARGV[2]) then
  redis.call('PUBLISH', ARGV[3], cjson.encode({ type = 'blocked', origin = ARGV[4], bucket = ARGV[5], ttlMs = redis.call('PTTL', KEYS[1]) }))
end
return failures`;

/** Options of {@link RedisSharedFailures}. */
export interface RedisSharedFailuresOptions {
  redis: Redis;
  keys: AccessKeys;
  nodeId: string;
  maxFailures: number;
  windowMs: number;
  onProblem: (message: string, error?: unknown) => void;
}

/**
 * Failed credential attempts counted across the cluster: an attacker spreading guesses over the
 * nodes behind a load balancer meets the same limit as on one node. Each node still counts its
 * own failures too, so the limit holds on a node even while Redis is away.
 */
export class RedisSharedFailures implements SharedFailures {
  private readonly listeners = new Set<(bucket: string, until: number) => void>();

  constructor(private readonly options: RedisSharedFailuresOptions) {}

  report(bucket: string): void {
    const { redis, keys, nodeId, windowMs, maxFailures } = this.options;
    redis.eval(FAIL_SCRIPT, 1, keys.failures(bucket), windowMs, maxFailures, keys.channel, nodeId, bucket).catch((error: unknown) => this.options.onProblem('could not count a failed attempt in Redis', error));
  }

  onBlocked(listener: (bucket: string, until: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A bucket filled its window (on any node, this one included): block it here too. */
  apply(event: AccessEvent): void {
    if (event.type !== 'blocked' || event.ttlMs <= 0) return;
    const until = Date.now() + event.ttlMs;
    for (const listener of this.listeners) listener(event.bucket, until);
  }
}
