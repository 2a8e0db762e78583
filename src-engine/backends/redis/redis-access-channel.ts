import type { Redis } from 'ioredis';
import { parseAccessEvent, type AccessEvent } from './redis-access-keys.js';

/** Options of {@link RedisAccessChannel}. */
export interface RedisAccessChannelOptions {
  /** A connection of its own: it is put in subscriber mode. Closed by {@link RedisAccessChannel.close}. */
  subscriber: Redis;
  channel: string;
  /** Interval of the PING that proves the subscription still works. */
  heartbeatMs: number;
  /** Silence after which the local copy is no longer trusted. */
  maxStaleMs: number;
  /** Reloads the full state from Redis: run at start and after every reconnection, before the copy is trusted again. */
  resync: () => Promise<void>;
  onEvent: (event: AccessEvent) => void;
  onProblem: (message: string, error?: unknown) => void;
  now?: () => number;
}

/**
 * The pub/sub side of the shared access state: hears what other nodes did, and knows whether it
 * can still hear it. A copy kept fresh by notifications is only as good as the subscription, so
 * the channel PINGs on the subscriber connection and, after a disconnection, subscribes again and
 * reloads everything (messages sent meanwhile are lost) before the copy counts as fresh.
 */
export class RedisAccessChannel {
  private lastHeard: number;
  /** Since when the subscription is broken (or resyncing); undefined while it works. */
  private lostAt: number | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;
  private readonly now: () => number;

  private constructor(private readonly options: RedisAccessChannelOptions) {
    this.now = options.now ?? Date.now;
    this.lastHeard = this.now();
    const { subscriber } = options;
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== options.channel) return;
      this.lastHeard = this.now();
      const event = parseAccessEvent(text);
      if (event) options.onEvent(event);
    });
    subscriber.on('close', () => {
      if (this.closed) return;
      this.lostAt ??= this.now();
    });
    // After a reconnection: subscribe (confirmed by Redis), then reload what may have been missed.
    subscriber.on('ready', () => {
      if (this.lostAt !== undefined && !this.closed) void this.resubscribe();
    });
    this.heartbeat = setInterval(() => {
      subscriber.ping().then(
        () => (this.lastHeard = this.now()),
        () => undefined,
      );
    }, options.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Subscribes and loads the state once; rejects when Redis cannot be reached. */
  static async open(options: RedisAccessChannelOptions): Promise<RedisAccessChannel> {
    const channel = new RedisAccessChannel(options);
    try {
      await options.subscriber.subscribe(options.channel);
      await options.resync();
    } catch (error) {
      await channel.close();
      throw error;
    }
    return channel;
  }

  /** Why the local copy may have missed changes, or undefined when it is fresh. */
  staleness(): string | undefined {
    const now = this.now();
    if (this.lostAt !== undefined && now - this.lostAt > this.options.maxStaleMs) return `no connection to Redis for ${Math.round((now - this.lostAt) / 1000)} s`;
    if (this.lostAt === undefined && now - this.lastHeard > this.options.maxStaleMs) return `no word from Redis for ${Math.round((now - this.lastHeard) / 1000)} s`;
    return undefined;
  }

  /** Closes the subscriber connection (and with it the subscription). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    // No reply to wait for on a subscriber: a QUIT could sit in the offline queue while Redis is away.
    this.options.subscriber.disconnect();
  }

  private async resubscribe(): Promise<void> {
    try {
      await this.options.subscriber.subscribe(this.options.channel);
      await this.options.resync();
      this.lostAt = undefined;
      this.lastHeard = this.now();
    } catch (error) {
      this.options.onProblem('could not reload the access state after reconnecting to Redis', error);
      // Still not trusted; try again soon (the subscriber may be fine while the command connection is not).
      if (!this.closed) setTimeout(() => void (this.closed || this.lostAt === undefined ? undefined : this.resubscribe()), this.options.heartbeatMs).unref();
    }
  }
}
