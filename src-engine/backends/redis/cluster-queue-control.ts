import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueControl } from '../../queue/queue-control.js';
import type { ClusterStore } from './cluster-store.js';

const ALL = 'all';
const KIND = 'kind:';

/**
 * The queue's pause switches for the whole cluster: kept in Redis (a hash), read from a local
 * copy that a pub/sub message refreshes on every node. Pausing the whole queue also pauses
 * BullMQ's queue, so no worker takes a job; a paused kind is checked by workers as they take a
 * job (which then waits, delayed, and is tried again).
 */
export class ClusterQueueControl implements QueueControl {
  private switches = new Set<string>();
  private listeners: readonly (() => void)[] = [];
  private subscriber: Redis | undefined;

  constructor(
    private readonly store: ClusterStore,
    private readonly queue: Queue | undefined,
  ) {}

  /** Loads the switches and listens for changes made on any node. */
  async start(): Promise<void> {
    await this.refresh();
    this.subscriber = this.store.connect();
    this.subscriber.on('message', () => void this.refresh().catch(() => undefined));
    await this.subscriber.subscribe(this.store.keys.controlChannel);
  }

  async stop(): Promise<void> {
    this.subscriber?.disconnect();
  }

  get paused(): boolean {
    return this.switches.has(ALL);
  }

  get pausedKindNames(): string[] {
    return [...this.switches].filter((name) => name.startsWith(KIND)).map((name) => name.slice(KIND.length));
  }

  isKindPaused(kind: string): boolean {
    return this.switches.has(KIND + kind);
  }

  pause(): void {
    this.set(ALL, true);
    void this.queue?.pause().catch(() => undefined);
  }

  resume(): void {
    this.set(ALL, false);
    void this.queue?.resume().catch(() => undefined);
  }

  pauseKind(kind: string): void {
    this.set(KIND + kind, true);
  }

  resumeKind(kind: string): void {
    this.set(KIND + kind, false);
  }

  subscribe(listener: () => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((other) => other !== listener);
    };
  }

  /** Reads the switches from Redis (a worker asks before it runs a task). */
  async refresh(): Promise<void> {
    const next = new Set(Object.keys(await this.store.redis.hgetall(this.store.keys.control)));
    const changed = next.size !== this.switches.size || [...next].some((name) => !this.switches.has(name));
    this.switches = next;
    if (changed) this.changed();
  }

  /** Applied here at once (the caller's answer shows it), then in Redis, then told to every node. */
  private set(name: string, on: boolean): void {
    if (on === this.switches.has(name)) return;
    if (on) this.switches.add(name);
    else this.switches.delete(name);
    this.changed();
    const { redis, keys } = this.store;
    const write = on ? redis.hset(keys.control, name, '1') : redis.hdel(keys.control, name);
    void write.then(() => redis.publish(keys.controlChannel, name)).catch(() => undefined);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
