import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ScheduleRecord, ScheduleStore } from '../../schedules/schedule-record.js';
import type { ClusterStore } from './cluster-store.js';

/**
 * Schedules kept in Redis for the whole cluster. The scheduler's store is synchronous, so this one
 * answers from a copy loaded at start, writes through to Redis in order, and tells the other
 * nodes, which take the change into their scheduler (`onRemote`).
 */
export class RedisScheduleStore implements ScheduleStore {
  private readonly cache = new Map<string, ScheduleRecord>();
  /** Names this node in change messages, so it ignores its own. */
  private readonly node = randomUUID();
  private subscriber: Redis | undefined;

  constructor(private readonly store: ClusterStore) {}

  /** Loads every schedule (before the scheduler starts). */
  async load(): Promise<void> {
    const all = await this.store.redis.hgetall(this.store.keys.schedules);
    for (const [id, json] of Object.entries(all)) this.cache.set(id, JSON.parse(json) as ScheduleRecord);
  }

  /** Hears the other nodes' changes. */
  async listen(onRemote: (id: string, record: ScheduleRecord | undefined) => void): Promise<void> {
    this.subscriber = this.store.connect();
    this.subscriber.on('message', (_channel: string, message: string) => {
      const { id, from } = JSON.parse(message) as { id: string; from: string };
      if (from !== this.node) void this.refresh(id).then((record) => onRemote(id, record), () => undefined);
    });
    await this.subscriber.subscribe(this.store.keys.schedulesChannel);
  }

  /** Reads one schedule from Redis into the copy (a fire that arrives before the change message). */
  async refresh(id: string): Promise<ScheduleRecord | undefined> {
    const json = await this.store.redis.hget(this.store.keys.schedules, id);
    if (!json) {
      this.cache.delete(id);
      return undefined;
    }
    const record = JSON.parse(json) as ScheduleRecord;
    this.cache.set(id, record);
    return record;
  }

  loadAll(): ScheduleRecord[] {
    return [...this.cache.values()].sort((a, b) => a.createdAt - b.createdAt).map((record) => ({ ...record }));
  }

  save(schedule: Readonly<ScheduleRecord>): void {
    this.cache.set(schedule.id, { ...schedule });
    const { redis, keys } = this.store;
    void redis.hset(keys.schedules, schedule.id, JSON.stringify(schedule)).then(() => this.announce(schedule.id), () => undefined);
  }

  delete(id: string): void {
    this.cache.delete(id);
    const { redis, keys } = this.store;
    void redis.hdel(keys.schedules, id).then(() => this.announce(id), () => undefined);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
  }

  private async announce(id: string): Promise<void> {
    await this.store.redis.publish(this.store.keys.schedulesChannel, JSON.stringify({ id, from: this.node }));
  }
}
