import type Database from 'libsql';

/** What survives a restart of the queue's controls: the pause switches. Limits come from the kinds. */
export interface QueueControlState {
  paused: boolean;
  pausedKinds: string[];
}

/** Where the pause switches are kept. */
export interface QueueControlStore {
  load(): QueueControlState;
  save(state: QueueControlState): void;
}

/** Keeps the switches in memory only. */
export class MemoryQueueControlStore implements QueueControlStore {
  private state: QueueControlState = { paused: false, pausedKinds: [] };
  load(): QueueControlState {
    return structuredClone(this.state);
  }
  save(state: QueueControlState): void {
    this.state = structuredClone(state);
  }
}

/** The switches in the `queue_control` table of the task database (same connection and lock). */
export class SqliteQueueControlStore implements QueueControlStore {
  constructor(private readonly db: Database.Database) {}

  load(): QueueControlState {
    const row = this.db.prepare("SELECT value FROM queue_control WHERE key = 'state'").get() as { value: string } | undefined;
    if (!row) return { paused: false, pausedKinds: [] };
    const parsed = JSON.parse(row.value) as Partial<QueueControlState>;
    return { paused: parsed.paused === true, pausedKinds: Array.isArray(parsed.pausedKinds) ? parsed.pausedKinds.filter((kind) => typeof kind === 'string') : [] };
  }

  save(state: QueueControlState): void {
    this.db.prepare("INSERT OR REPLACE INTO queue_control (key, value) VALUES ('state', ?)").run([JSON.stringify(state)]);
  }
}
