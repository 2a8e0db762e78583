import type { Redis } from 'ioredis';
import type { NumberedEvent } from '../../engine/session-event-log.js';
import type { TaskLogLine } from '../../protocol/messages.js';
import type { ClusterStore } from './cluster-store.js';
import { fieldsOf } from './cluster-store.js';
import { decodeEvent } from './stored-event.js';

/** What the events stream carries besides numbered events: a running task's log line. */
export interface LogEvent {
  readonly taskId: string;
  readonly sessionId: string;
  readonly line: TaskLogLine;
}

/** Handlers of {@link EventFollower}. */
export interface FollowerHandlers {
  numbered(event: NumberedEvent): void;
  log(event: LogEvent): void;
}

/**
 * Follows the cluster's events stream from a given id, on a connection of its own (a blocking
 * read holds it), and hands every entry over in stream order: each session's events arrive in
 * the order of their numbers, because the commit script numbers and appends in one step. Survives
 * Redis restarts: it reconnects and goes on from the last id it handled.
 */
export class EventFollower {
  private readonly connection: Redis;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly store: ClusterStore,
    private lastId: string,
    private readonly handlers: FollowerHandlers,
  ) {
    this.connection = store.connect();
  }

  /** Starts following (returns at once). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.follow();
  }

  /** Stops following and closes the connection. */
  async stop(): Promise<void> {
    this.running = false;
    this.connection.disconnect(); // ends the blocking read
    await this.loop;
  }

  private async follow(): Promise<void> {
    while (this.running) {
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = (await this.connection.xread('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', this.store.keys.events, this.lastId)) as typeof reply;
      } catch {
        if (!this.running) return;
        await new Promise((resolve) => setTimeout(resolve, 200)); // Redis down or restarting: try again
        continue;
      }
      for (const [, entries] of reply ?? []) {
        for (const [id, raw] of entries) {
          this.lastId = id;
          this.handle(fieldsOf(raw));
        }
      }
    }
  }

  private handle(fields: Record<string, string>): void {
    const sessionId = fields.s ?? '';
    const seq = Number(fields.n ?? 0);
    try {
      if (seq === 0) {
        const raw = JSON.parse(fields.e ?? '{}') as { type?: string; taskId?: string; line?: TaskLogLine };
        if (raw.type === 'taskLog' && raw.taskId && raw.line) this.handlers.log({ taskId: raw.taskId, sessionId, line: raw.line });
        return;
      }
      this.handlers.numbered(decodeEvent(sessionId, seq, fields));
    } catch {
      // A malformed entry (another version, a hand-made XADD) must not stop the node following.
    }
  }
}
