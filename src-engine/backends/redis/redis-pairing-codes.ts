import type { Redis } from 'ioredis';
import type { PairingCodeIssuer } from '../../server/access/access-state-store.js';
import { hashSecret, newSecret } from '../../server/access/secret.js';
import type { AccessEvent, AccessKeys } from './redis-access-keys.js';

/**
 * Takes a code and tells its issuer, in one step: of two nodes redeeming the same code at once,
 * exactly one gets it.
 */
const SPEND_SCRIPT = `
local issuer = redis.call('GET', KEYS[1])
if not issuer then return false end
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[1], cjson.encode({ type = 'pairing-spent', origin = ARGV[2], issuer = issuer }))
return issuer`;

/** Options of {@link RedisPairingCodes}. */
export interface RedisPairingCodesOptions {
  redis: Redis;
  keys: AccessKeys;
  nodeId: string;
  /** Life of a code in Redis; the issuing node renews it while it runs, so a dead node's code expires. */
  ttlMs: number;
  onProblem: (message: string, error?: unknown) => void;
  generate?: () => string;
}

/**
 * Pairing codes any node can redeem. Each node has its own current code (printed, shown as a QR
 * code), registered in Redis by its hash with a TTL that the node renews while it runs. Any node
 * redeems any live code, atomically and once; the issuer hears that its code was spent and issues
 * the next. A code that vanished from Redis (spent unheard, expired during an outage) is never
 * registered again: the node issues a fresh one instead.
 */
export class RedisPairingCodes implements PairingCodeIssuer {
  private code: string;
  private registering: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(code: string) => void>();
  private readonly renewal: NodeJS.Timeout;
  private readonly generate: () => string;

  private constructor(private readonly options: RedisPairingCodesOptions) {
    this.generate = options.generate ?? (() => newSecret(16));
    this.code = this.generate();
    this.renewal = setInterval(() => void this.renew(), Math.max(1000, Math.floor(options.ttlMs / 3)));
    this.renewal.unref();
  }

  /** Issues the first code and registers it; rejects when Redis cannot take it. */
  static async open(options: RedisPairingCodesOptions): Promise<RedisPairingCodes> {
    const codes = new RedisPairingCodes(options);
    await codes.register(undefined, codes.code);
    return codes;
  }

  get current(): string {
    return this.code;
  }

  /** Spends any node's live code; rejects when Redis cannot be reached (nothing is spent then). */
  async spend(candidate: string): Promise<boolean> {
    await this.registering;
    const { redis, keys, nodeId } = this.options;
    const issuer = (await redis.eval(SPEND_SCRIPT, 1, keys.pairingCode(hashSecret(candidate)), keys.channel, nodeId)) as string | null;
    if (issuer === null) return false;
    if (issuer === nodeId) this.rotate();
    return true;
  }

  /**
   * Issues a new code. It becomes `current`, and is announced, once Redis has it: a printed code
   * always works on every node. Until then (and while Redis cannot take it) `current` is the
   * previous one; renewal retries a failed registration with a fresh code.
   */
  rotate(): void {
    const next = this.generate();
    this.registering = this.registering.then(async () => {
      try {
        await this.register(this.code, next);
      } catch (error) {
        this.options.onProblem('could not register a new pairing code in Redis; another is issued once Redis answers', error);
        return;
      }
      this.code = next;
      for (const listener of this.listeners) listener(next);
    });
  }

  onChange(listener: (code: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Another node spent this node's code: issue the next. */
  apply(event: AccessEvent): void {
    if (event.type === 'pairing-spent' && event.issuer === this.options.nodeId && event.origin !== this.options.nodeId) this.rotate();
  }

  /** Stops renewing and withdraws the current code (a stopped node's printed link stops working). */
  async close(): Promise<void> {
    clearInterval(this.renewal);
    await this.registering;
    await this.options.redis.del(this.options.keys.pairingCode(hashSecret(this.code))).catch(() => undefined);
  }

  private async register(previous: string | undefined, next: string): Promise<void> {
    const { redis, keys, nodeId, ttlMs } = this.options;
    const transaction = redis.multi();
    if (previous !== undefined) transaction.del(keys.pairingCode(hashSecret(previous)));
    const replies = await transaction.set(keys.pairingCode(hashSecret(next)), nodeId, 'PX', ttlMs).exec();
    const failed = replies?.find(([error]) => error);
    if (!replies || failed) throw failed?.[0] ?? new Error('the pairing code transaction was discarded');
  }

  private async renew(): Promise<void> {
    const code = this.code;
    try {
      await this.registering;
      const renewed = await this.options.redis.pexpire(this.options.keys.pairingCode(hashSecret(code)), this.options.ttlMs);
      // Gone (spent without this node hearing it, or expired while Redis was away): never revive it.
      if (renewed === 0 && code === this.code) this.rotate();
    } catch (error) {
      this.options.onProblem('could not renew the pairing code in Redis', error);
    }
  }
}
