import { Queue } from 'bullmq';
import type { TaskState } from '../../protocol/messages.js';
import type { EngineEvent, EngineListener } from '../../engine/engine-events.js';
import type { ControlResult, SubmitResult } from '../../engine/engine-results.js';
import { MAX_ATTEMPTS_LIMIT } from '../../engine/retry-policy.js';
import type { NumberedEvent, SessionEventLog, SessionStart } from '../../engine/session-event-log.js';
import { demoKind } from '../../engine/kinds/demo-kind.js';
import { TaskParameterError, type TaskKind } from '../../engine/task-kind.js';
import type { TaskCounts, TaskRecord, TaskSubmission } from '../../engine/task-record.js';
import { FINAL_STATES, emptyCounts, invalidState, newTaskRecord, notFound, reasonText, resetForRun } from '../../engine/task-rules.js';
import type { StopOptions, TaskList, TaskQuery, TaskService } from '../../engine/task-service.js';
import { ClusterQueueControl } from './cluster-queue-control.js';
import { QUEUE_NAME } from './cluster-keys.js';
import type { ClusterStore } from './cluster-store.js';
import { EventFollower } from './event-follower.js';
import { jobOptionsOf, newJobId } from './job-options.js';
import { ReplicaLogStore } from './replica-log-store.js';
import type { StoredEvent, StoredTask } from './stored-event.js';
import { withoutJobId } from './stored-event.js';
import { TaskReplica } from './task-replica.js';

/** Options of {@link ClusterEngine}. */
export interface ClusterEngineOptions {
  store: ClusterStore;
  /** Tasks that may wait, cluster-wide, before submit answers `queue-full`. Default 1000. */
  capacity?: number;
  /** Final tasks kept, cluster-wide, before the oldest are forgotten. Default 10,000. */
  historyLimit?: number;
  /** Kinds to register besides the built-in `demo` (workers must know them too). */
  kinds?: readonly TaskKind<any>[];
  /** How long `cancel` waits for the worker to end a running task before it answers. Default 10 s. */
  cancelWaitMs?: number;
  now?: () => number;
}

const CANCEL_REASON = 'Cancelled by request';
const FINAL = [...FINAL_STATES];
/** Retention is checked this often, by every API node (deleting twice is harmless: the script checks). */
const RETENTION_EVERY_MS = 5000;

/**
 * The engine's contract on BullMQ and Redis (distributed mode, `--redis URL`): tasks are stored
 * and numbered in Redis (see ClusterStore), run by BullMQ workers on any node (ClusterWorker),
 * and every node follows the events stream, so its sockets hear every change of their sessions
 * whichever node or worker made it. Lists and counts come from a local replica of the tasks.
 */
export class ClusterEngine implements TaskService {
  readonly capacity: number;
  readonly logs = new ReplicaLogStore();
  readonly queueControl: ClusterQueueControl;
  readonly sessionLog: SessionEventLog;
  private readonly store: ClusterStore;
  private readonly historyLimit: number;
  private readonly cancelWaitMs: number;
  private readonly now: () => number;
  private readonly kinds = new Map<string, TaskKind<any>>();
  private readonly replica = new TaskReplica();
  private readonly queue: Queue;
  private listeners: readonly EngineListener[] = [];
  private numberedListeners: readonly ((event: NumberedEvent) => void)[] = [];
  private follower: EventFollower | undefined;
  private retentionTimer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(options: ClusterEngineOptions) {
    this.store = options.store;
    this.capacity = options.capacity ?? 1000;
    this.historyLimit = options.historyLimit ?? 10_000;
    this.cancelWaitMs = options.cancelWaitMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.queue = new Queue(QUEUE_NAME, { connection: this.store.connect(), prefix: this.store.keys.bullPrefix });
    this.queue.on('error', () => undefined); // reconnects by itself; failures surface as refused writes
    this.queueControl = new ClusterQueueControl(this.store, this.queue);
    this.registerKind(demoKind);
    for (const kind of options.kinds ?? []) this.registerKind(kind);
    this.sessionLog = {
      subscribe: (listener) => {
        this.numberedListeners = [...this.numberedListeners, listener];
        return () => {
          this.numberedListeners = this.numberedListeners.filter((other) => other !== listener);
        };
      },
      open: (sessionId, resume, limit) => this.openSession(sessionId, resume, limit),
      range: (sessionId, from, to) => this.store.range(sessionId, from, to),
    };
  }

  registerKind(kind: TaskKind<any>): void {
    this.kinds.set(kind.name, kind);
  }

  unregisterKind(name: string): void {
    this.kinds.delete(name);
  }

  kindNamed(name: string): TaskKind<any> | undefined {
    return this.kinds.get(name);
  }

  kindOf(name: string): Readonly<TaskKind<any>> | undefined {
    return this.kinds.get(name);
  }

  kindNames(): string[] {
    return [...this.kinds.keys()];
  }

  check(kindName: string, parameters: Record<string, unknown>): { ok: true } | { ok: false; reason: 'unknown-kind' | 'invalid-parameters'; message: string } {
    const parsed = this.parse(kindName, parameters);
    return parsed.ok ? { ok: true } : parsed;
  }

  /**
   * Loads every task and the switches, then follows the events stream from where the load left
   * off; re-adds the job of any waiting task whose job is missing (a node that stopped between
   * storing a task and queueing it, or a Redis that lost the job), so nothing accepted is lost.
   */
  async start(): Promise<void> {
    await this.queueControl.start();
    const { tasks, lastEventId } = await this.store.loadAll();
    this.replica.load(tasks.map(withoutJobId));
    this.follower = new EventFollower(this.store, lastEventId, {
      numbered: (event) => this.apply(event),
      log: ({ taskId, sessionId, line }) => {
        this.logs.put(taskId, line);
        const task = this.replica.get(taskId);
        if (task && task.clientId === sessionId) this.emit({ type: 'taskLog', task, line });
      },
    });
    this.follower.start();
    await this.repairJobs(tasks);
    this.retentionTimer = setInterval(() => void this.applyRetention().catch(() => undefined), RETENTION_EVERY_MS);
    this.retentionTimer.unref();
  }

  async stop(_options?: StopOptions): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.retentionTimer);
    await this.follower?.stop();
    await this.queueControl.stop();
    await this.queue.close().catch(() => undefined);
  }

  subscribe(listener: EngineListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((other) => other !== listener);
    };
  }

  get storeFailure(): string | undefined {
    return this.store.redis.status === 'ready' ? undefined : `Redis unreachable (${this.store.redis.status})`;
  }

  get queuedCount(): number {
    return this.replica.counts().queued;
  }

  async submit(submission: TaskSubmission): Promise<SubmitResult> {
    if (this.stopping) return { ok: false, reason: 'stopped', message: 'The server is shutting down and accepts no new tasks' };
    const kindName = submission.kind ?? 'demo';
    const parsed = this.parse(kindName, submission.parameters ?? {});
    if (!parsed.ok) return parsed;
    if (this.replica.counts().queued >= this.capacity) {
      return { ok: false, reason: 'queue-full', message: `The queue is full (${this.capacity} tasks waiting); try again shortly` };
    }
    const kind = this.kinds.get(kindName)!;
    const maxAttempts = Math.min(MAX_ATTEMPTS_LIMIT, submission.maxAttempts ?? kind.maxAttempts ?? 1);
    const task: StoredTask = newTaskRecord(submission, kindName, parsed.parameters, maxAttempts, this.now());
    task.job = kind.job ? kindName : null;
    task.jobId = newJobId(task.id);
    const stored = await this.write(task, { type: 'taskQueued', task }, 'absent');
    if (!stored.ok) return { ok: false, reason: 'storage-failed', message: stored.message };
    const queued = await this.addJob(task);
    if (!queued.ok) return { ok: false, reason: 'storage-failed', message: queued.message };
    return { ok: true, task: withoutJobId(task) };
  }

  /**
   * A waiting task is cancelled here, at once (guarded: if a worker took it meanwhile, it is
   * cancelled as a running one). A running task's worker, wherever it is, is asked to stop
   * (BullMQ's cancelJob, through a message every worker hears); the answer waits until the task
   * ends, or `cancelWaitMs`.
   */
  async cancel(id: string): Promise<ControlResult> {
    const task = await this.current(id);
    if (!task) return notFound(id);
    if (task.state === 'queued' || task.state === 'scheduled') {
      const cancelled: StoredTask = { ...task, state: 'cancelled', statusText: 'Cancelled', error: CANCEL_REASON, completedAt: this.now() };
      const outcome = await this.write(cancelled, { type: 'taskUpdated', task: cancelled, stateChanged: true }, ['queued', 'scheduled']);
      if (outcome.ok) {
        if (task.jobId) await this.queue.remove(task.jobId).catch(() => undefined); // a worker that takes it anyway skips it
        return { ok: true, task: withoutJobId(cancelled) };
      }
      if (outcome.stored?.state !== 'running') return outcome.stored ? invalidState(outcome.stored, 'cancel') : notFound(id);
    } else if (task.state !== 'running') {
      return invalidState(task, 'cancel');
    }
    await this.store.requestCancel(id);
    const ended = await this.waitUntilFinal(id, this.cancelWaitMs);
    return { ok: true, task: ended ?? withoutJobId(task) };
  }

  /** Runs a failed or cancelled task again, with a fresh budget of attempts and a new job. */
  async retry(id: string): Promise<ControlResult> {
    const task = await this.current(id);
    if (!task) return notFound(id);
    if (task.state !== 'failed' && task.state !== 'cancelled') return invalidState(task, 'retry');
    if (this.stopping || this.replica.counts().queued >= this.capacity) {
      return { ok: false, reason: 'queue-full', message: `The queue is full (${this.capacity} tasks waiting); try again shortly` };
    }
    const again: StoredTask = { ...task, jobId: newJobId(task.id) };
    resetForRun(again, 1);
    again.state = 'queued';
    const outcome = await this.write(again, { type: 'taskUpdated', task: again, stateChanged: true }, ['failed', 'cancelled']);
    if (!outcome.ok) return outcome.stored ? invalidState(outcome.stored, 'retry') : notFound(id);
    await this.addJob(again);
    return { ok: true, task: withoutJobId(again) };
  }

  async delete(id: string): Promise<ControlResult> {
    const task = await this.current(id);
    if (!task) return notFound(id);
    if (!FINAL_STATES.has(task.state) && task.state !== 'scheduled') return invalidState(task, 'delete');
    const deleted = await this.store.delete(task.clientId, [id], [...FINAL, 'scheduled'], this.now());
    if (deleted.length === 0) {
      const now = await this.current(id);
      return now ? invalidState(now, 'delete') : notFound(id);
    }
    if (task.jobId && task.state === 'scheduled') await this.queue.remove(task.jobId).catch(() => undefined);
    await this.store.redis.del(this.store.keys.log(id)).catch(() => undefined);
    this.replica.remove([id]);
    return { ok: true, task: withoutJobId(task) };
  }

  async clearFinished(clientId: string, states: readonly TaskState[] = FINAL): Promise<number> {
    const wanted = states.filter((state) => FINAL_STATES.has(state));
    const ids = this.replica.ofSession(clientId).filter((task) => wanted.includes(task.state)).map((task) => task.id);
    const deleted = await this.store.delete(clientId, ids, wanted, this.now());
    this.replica.remove(deleted);
    return deleted.length;
  }

  get(id: string): Readonly<TaskRecord> | undefined {
    return this.replica.get(id);
  }

  list(query: TaskQuery = {}): TaskList {
    return this.replica.list(query);
  }

  counts(): TaskCounts {
    return this.replica.counts();
  }

  queuedFor(clientId: string): number {
    return this.replica.queuedFor(clientId);
  }

  private parse(kindName: string, parameters: Record<string, unknown>): { ok: true; parameters: Record<string, unknown> } | { ok: false; reason: 'unknown-kind' | 'invalid-parameters'; message: string } {
    const kind = this.kinds.get(kindName);
    if (!kind) return { ok: false, reason: 'unknown-kind', message: `Unknown task kind '${kindName}'` };
    try {
      return { ok: true, parameters: kind.parse(parameters) as Record<string, unknown> };
    } catch (error) {
      if (error instanceof TaskParameterError) return { ok: false, reason: 'invalid-parameters', message: error.message };
      throw error;
    }
  }

  /** Writes through the store; the local replica takes the change at once (this node's answers never trail its writes). */
  private async write(task: StoredTask, event: StoredEvent, guard: readonly TaskState[] | 'absent'): Promise<{ ok: true } | { ok: false; message: string; stored?: StoredTask }> {
    try {
      const outcome = await this.store.commit(task, event, guard, this.now());
      if (!outcome.ok) return { ok: false, message: 'The task changed meanwhile', ...(outcome.stored ? { stored: outcome.stored } : {}) };
      this.replica.set(withoutJobId(task));
      return { ok: true };
    } catch (error) {
      return { ok: false, message: `The task could not be stored: ${reasonText(error)} (Redis)` };
    }
  }

  /** Queues a task's job; if that fails, the stored task is failed rather than left waiting for nothing. */
  private async addJob(task: StoredTask): Promise<{ ok: true } | { ok: false; message: string }> {
    try {
      await this.queue.add('task', { taskId: task.id }, jobOptionsOf(task, this.now()));
      return { ok: true };
    } catch (error) {
      const failed: StoredTask = { ...task, state: 'failed', statusText: 'Failed', error: `Could not be queued: ${reasonText(error)}`, completedAt: this.now() };
      await this.write(failed, { type: 'taskUpdated', task: failed, stateChanged: true }, ['queued', 'scheduled']);
      return { ok: false, message: `The task could not be queued: ${reasonText(error)} (Redis)` };
    }
  }

  /** The stored task (Redis is the truth; the replica may trail another node's write by a moment). */
  private async current(id: string): Promise<StoredTask | undefined> {
    try {
      return await this.store.task(id);
    } catch {
      return this.replica.get(id);
    }
  }

  private async repairJobs(tasks: readonly StoredTask[]): Promise<void> {
    for (const task of tasks) {
      if ((task.state !== 'queued' && task.state !== 'scheduled') || !task.jobId) continue;
      if (await this.queue.getJob(task.jobId)) continue;
      await this.queue.add('task', { taskId: task.id }, jobOptionsOf(task, this.now())).catch(() => undefined);
    }
  }

  private async applyRetention(): Promise<void> {
    const ids = await this.store.overRetention(this.historyLimit);
    const bySession = new Map<string, string[]>();
    for (const id of ids) {
      const task = this.replica.get(id) ?? (await this.store.task(id));
      if (!task) continue;
      bySession.set(task.clientId, [...(bySession.get(task.clientId) ?? []), id]);
    }
    for (const [sessionId, sessionIds] of bySession) {
      await this.store.delete(sessionId, sessionIds, FINAL, this.now());
      await this.store.redis.del(...sessionIds.map((id) => this.store.keys.log(id)));
    }
  }

  private async openSession(sessionId: string, resume: { epoch: string; lastSeq: number } | undefined, limit: number): Promise<SessionStart> {
    const start = await this.store.openSession(sessionId, resume);
    if (start.kind === 'resume') return start;
    const tasks = start.tasks.map(withoutJobId).sort((a, b) => b.createdAt - a.createdAt);
    const counts = emptyCounts();
    for (const task of tasks) counts[task.state]++;
    return { kind: 'snapshot', seq: start.seq, epoch: start.epoch, tasks: tasks.slice(0, limit), total: tasks.length, counts };
  }

  /** An event from the stream: the replica takes it, then listeners hear it. */
  private apply(numbered: NumberedEvent): void {
    const { event } = numbered;
    if (event.type === 'tasksDeleted') {
      this.replica.remove(event.ids);
      this.logs.forget(event.ids);
    } else {
      this.replica.set(event.task as TaskRecord);
    }
    this.emit(event);
    for (const listener of this.numberedListeners) listener(numbered);
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A faulty listener must not stop the node following the cluster.
      }
    }
  }

  private waitUntilFinal(id: string, timeoutMs: number): Promise<TaskRecord | undefined> {
    const isFinal = (): TaskRecord | undefined => {
      const task = this.replica.get(id);
      return task && FINAL_STATES.has(task.state) ? task : undefined;
    };
    const already = isFinal();
    if (already) return Promise.resolve(already);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const unsubscribe = this.subscribe(() => {
        const done = isFinal();
        if (done) finish(done);
      });
      const finish = (task: TaskRecord | undefined): void => {
        clearTimeout(timer);
        unsubscribe();
        resolve(task);
      };
    });
  }
}
