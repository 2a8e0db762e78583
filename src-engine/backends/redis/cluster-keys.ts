/**
 * Where the cluster keeps things in Redis, all under one prefix (default `tm`), so that several
 * clusters (or a test per run) can share a Redis without meeting.
 */
export class ClusterKeys {
  constructor(readonly prefix: string = 'tm') {}
  /** HASH task id → the stored task (JSON). */
  get tasks(): string {
    return `${this.prefix}:tasks`;
  }
  /** ZSET of final task ids, scored by when they ended: the oldest are forgotten first. */
  get finished(): string {
    return `${this.prefix}:finished`;
  }
  /** STREAM of every numbered event of every session: what every node follows. */
  get events(): string {
    return `${this.prefix}:events`;
  }
  /** Pub/sub channel of cancellation requests (task ids), heard by every worker. */
  get cancelChannel(): string {
    return `${this.prefix}:cancel`;
  }
  /** HASH of the queue's pause switches (`all`, `kind:NAME`). */
  get control(): string {
    return `${this.prefix}:control`;
  }
  /** Pub/sub channel: a pause switch changed. */
  get controlChannel(): string {
    return `${this.prefix}:control-changed`;
  }
  /** HASH of a session: `seq` (last number) and `epoch` (names the numbering). */
  session(sessionId: string): string {
    return `${this.prefix}:session:${sessionId}`;
  }
  /** SET of a session's task ids. */
  sessionTasks(sessionId: string): string {
    return `${this.prefix}:session-tasks:${sessionId}`;
  }
  /** STREAM of a session's numbered events (ids `SEQ-1`), trimmed: the replay journal. */
  journal(sessionId: string): string {
    return `${this.prefix}:journal:${sessionId}`;
  }
  /** Marker: cancellation of this task was asked for (a worker about to start it checks). */
  cancelRequest(taskId: string): string {
    return `${this.prefix}:cancel-request:${taskId}`;
  }
  /** LIST of a task's log lines (JSON), the newest kept. */
  log(taskId: string): string {
    return `${this.prefix}:log:${taskId}`;
  }
  /** HASH schedule id → the schedule (JSON). */
  get schedules(): string {
    return `${this.prefix}:schedules`;
  }
  /** Pub/sub channel: a schedule changed (`{ id, from }`). */
  get schedulesChannel(): string {
    return `${this.prefix}:schedules-changed`;
  }
  /** ZSET of a kind's run slots (task id → lease end), for its cluster-wide `concurrency`. */
  kindRunning(kind: string): string {
    return `${this.prefix}:kind-running:${kind}`;
  }
  /** ZSET of a kind's recent starts, for its cluster-wide `rateLimit`. */
  kindStarts(kind: string): string {
    return `${this.prefix}:kind-starts:${kind}`;
  }
  /** BullMQ's own prefix for the queue. */
  get bullPrefix(): string {
    return `${this.prefix}:bull`;
  }
}

/** The BullMQ queue every node adds to and every worker takes from. */
export const QUEUE_NAME = 'tasks';

/** The BullMQ queue the job schedulers put schedule fires on (one job per due time, cluster-wide). */
export const SCHEDULE_FIRES_QUEUE = 'schedule-fires';
