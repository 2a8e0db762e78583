import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TaskLogLevel, TaskLogStream, TaskState } from '../../protocol/messages.js';
import { backoffDelay, shouldRerunInterrupted } from '../../engine/retry-policy.js';
import { RunContext, RunControl } from '../../engine/run-control.js';
import type { TaskKind } from '../../engine/task-kind.js';
import { reasonText, resetForRun, toResultText } from '../../engine/task-rules.js';
import { MemoryTaskLogStore } from '../../store/task-log-store.js';
import { ClusterQueueControl } from './cluster-queue-control.js';
import { QUEUE_NAME } from './cluster-keys.js';
import type { ClusterStore } from './cluster-store.js';
import { jobOptionsOf, newJobId } from './job-options.js';
import { OrderedWrites } from './ordered-writes.js';
import type { StoredTask } from './stored-event.js';

/** Options of {@link ClusterWorker}. */
export interface ClusterWorkerOptions {
  store: ClusterStore;
  /** The kinds this worker can run (the demo kind, the jobs file's). */
  kindOf: (name: string) => TaskKind<any> | undefined;
  /** Tasks run at once by this process. Default 8. */
  concurrency?: number;
  /**
   * How long a job's lock lasts without renewal (BullMQ's lockDuration): a worker that dies is
   * noticed after about this long, and its task run again or failed. Default 10 s.
   */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died (BullMQ's stalledInterval). Default 5 s. */
  stalledIntervalMs?: number;
  /** Told about failures the worker survives (Redis unreachable, a job it could not move). */
  onError?: (error: unknown) => void;
  now?: () => number;
}

/** Options of {@link ClusterWorker.stop}. */
export interface WorkerStopOptions {
  /** How long running tasks may take to finish before they are interrupted. Default 10 s. */
  graceMs?: number;
}

const CANCEL_REASON = 'Cancelled by request';
const LOST_REASON = 'Interrupted: the worker running it stopped or lost its connection';
const RESTART_STATUS = 'Queued (its worker stopped; runs again on another worker)';
/** How long a paused kind's job waits before a worker looks at it again. */
const PAUSED_RECHECK_MS = 1000;
/** Between tries of a state change while Redis cannot be written (it restarts, say). */
const RETRY_WRITE_MS = 250;

interface ActiveRun {
  readonly jobId: string;
  readonly control: RunControl;
}

/**
 * Runs the cluster's tasks: a BullMQ worker takes jobs, and each job runs its task's kind with the
 * same context as the embedded engine (progress, logs, an abort signal). Every state change is
 * written to Redis (numbered and announced to every node) before the next one; a write that fails
 * because Redis is away is tried again until it lands, so a task's end is never lost. A task whose
 * worker died (its job stalled) is run again or failed per its kind, by whichever worker takes it.
 */
export class ClusterWorker {
  private readonly store: ClusterStore;
  private readonly kindOf: (name: string) => TaskKind<any> | undefined;
  private readonly now: () => number;
  private readonly onError: (error: unknown) => void;
  private readonly control: ClusterQueueControl;
  private readonly queue: Queue;
  private readonly running = new Map<string, ActiveRun>();
  private readonly shutdown = new Error('Server shutting down');
  private worker: Worker | undefined;
  private subscriber: Redis | undefined;
  private stopping = false;
  /** How long a kind slot is held without renewal: a dead worker's slot frees after this. */
  private readonly leaseMs: number;

  constructor(private readonly options: ClusterWorkerOptions) {
    this.leaseMs = (options.lockDurationMs ?? 10_000) * 2;
    this.store = options.store;
    this.kindOf = options.kindOf;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? (() => undefined);
    this.control = new ClusterQueueControl(this.store, undefined);
    this.queue = new Queue(QUEUE_NAME, { connection: this.store.connect(), prefix: this.store.keys.bullPrefix });
    this.queue.on('error', (error) => this.onError(error));
  }

  /** Tasks running in this process now. */
  get active(): number {
    return this.running.size;
  }

  /** Listens for cancellations and starts taking jobs. */
  async start(): Promise<void> {
    await this.control.start();
    this.subscriber = this.store.connect();
    this.subscriber.on('message', (_channel: string, taskId: string) => this.cancelLocal(taskId));
    await this.subscriber.subscribe(this.store.keys.cancelChannel);
    this.worker = new Worker(QUEUE_NAME, (job, token, signal) => this.process(job, token, signal), {
      connection: this.store.connect(),
      prefix: this.store.keys.bullPrefix,
      concurrency: this.options.concurrency ?? 8,
      lockDuration: this.options.lockDurationMs ?? 10_000,
      stalledInterval: this.options.stalledIntervalMs ?? 5000,
      // Our own rule decides whether a lost run runs again (see process): BullMQ must not fail it first.
      maxStalledCount: 1000,
    });
    this.worker.on('error', (error) => this.onError(error));
  }

  /**
   * Takes no more jobs, lets running tasks finish within the grace period, then interrupts the
   * rest: those whose kind reruns go back to the queue for another worker; the others end Cancelled.
   */
  async stop(options: WorkerStopOptions = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const closing = this.worker?.close() ?? Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, options.graceMs ?? 10_000, 'timeout')));
    if ((await Promise.race([closing.then(() => 'closed' as const), grace])) === 'timeout') {
      for (const run of this.running.values()) run.control.abort(this.shutdown);
    }
    clearTimeout(timer);
    await closing;
    this.subscriber?.disconnect();
    await this.control.stop();
    await this.queue.close().catch(() => undefined);
  }

  private cancelLocal(taskId: string): void {
    const run = this.running.get(taskId);
    if (!run) return;
    this.worker?.cancelJob(run.jobId, CANCEL_REASON); // BullMQ aborts the processor's signal
    run.control.abort(new Error(CANCEL_REASON));
  }

  private async process(job: Job<{ taskId: string }>, token: string | undefined, signal: AbortSignal | undefined): Promise<void> {
    const stored = await this.store.task(job.data.taskId);
    // A job the task no longer names (cancelled, retried, deleted, run again elsewhere) is skipped.
    if (!stored || stored.jobId !== job.id) return;
    if (stored.state !== 'queued' && stored.state !== 'scheduled' && stored.state !== 'running') return;
    const kind = this.kindOf(stored.kind);
    if (this.control.paused || this.control.isKindPaused(stored.kind)) {
      await job.moveToDelayed(this.now() + PAUSED_RECHECK_MS, token);
      throw new DelayedError();
    }
    const limited = kind && (kind.concurrency !== undefined || kind.rateLimit !== undefined);
    if (limited) {
      const slot = await this.store.takeKindSlot(kind.name, stored.id, kind, this.leaseMs, this.now());
      if (!slot.ok) {
        await job.moveToDelayed(this.now() + slot.waitMs, token);
        throw new DelayedError();
      }
    }
    const task = await this.claim(stored, kind);
    if (!task) {
      if (limited) await this.store.releaseKindSlot(kind.name, stored.id).catch(() => undefined);
      return;
    }
    // A long run renews its slot, so the kind's limit holds however long it runs.
    const renewal = limited ? setInterval(() => void this.store.renewKindSlot(kind.name, task.id, this.leaseMs, this.now()).catch(() => undefined), this.leaseMs / 3) : undefined;
    const control = new RunControl();
    this.running.set(task.id, { jobId: job.id!, control });
    signal?.addEventListener('abort', () => control.abort(new Error(CANCEL_REASON)), { once: true });
    try {
      if (await this.store.cancelRequested(task.id)) control.abort(new Error(CANCEL_REASON));
      await this.run(task, kind, control);
    } finally {
      clearInterval(renewal);
      if (limited) await this.store.releaseKindSlot(kind.name, task.id).catch(() => undefined);
      this.running.delete(task.id);
      control.settle();
    }
  }

  /**
   * Marks the task running (guarded: only a waiting task, or one whose worker was lost, is taken).
   * A lost run counts as an interruption: it runs again while its kind allows, else it fails.
   */
  private async claim(stored: StoredTask, kind: TaskKind<any> | undefined): Promise<StoredTask | undefined> {
    const lost = stored.state === 'running';
    if (lost && !shouldRerunInterrupted(kind, stored.attempt, stored.maxAttempts)) {
      await this.end(stored, 'failed', { error: LOST_REASON }, new OrderedWrites());
      return undefined;
    }
    const task: StoredTask = { ...stored };
    resetForRun(task, lost ? stored.attempt + 1 : stored.attempt);
    task.state = 'running';
    task.statusText = lost ? `Running again (attempt ${task.attempt}): its worker was lost` : 'Running';
    task.startedAt = this.now();
    const written = await this.write(task, true, lost ? ['running'] : ['queued', 'scheduled']);
    return written ? task : undefined;
  }

  private async run(task: StoredTask, kind: TaskKind<any> | undefined, control: RunControl): Promise<void> {
    const writes = new OrderedWrites();
    const logs = new MemoryTaskLogStore();
    const report = (progress: number, message?: string): void => {
      if (control.aborted || task.state !== 'running') return;
      task.progress = Math.min(100, Math.max(0, Number.isFinite(progress) ? progress : 0));
      if (message !== undefined) task.statusText = message;
      const tick = { ...task };
      writes.tick(() => this.store.commit(tick, { type: 'taskUpdated', task: tick, stateChanged: false }, ['running'], this.now()));
    };
    const write = (stream: TaskLogStream, text: string, level?: TaskLogLevel): void => {
      if (task.state !== 'running') return;
      for (const line of logs.append(task.id, { time: this.now(), stream, level, text })) {
        void this.store.appendLog(task, line, 2000).catch((error: unknown) => this.onError(error));
      }
    };
    try {
      if (!kind) throw new Error(`Unknown task kind '${task.kind}' on this worker`);
      if (control.aborted) throw control.reason;
      const value = await kind.run(new RunContext(task, control, { report: (_task, _control, progress, message) => report(progress, message), write: (_task, stream, text, level) => write(stream, text, level) }));
      if (control.aborted) await this.endAborted(task, kind, control, writes);
      else await this.end(task, 'completed', { result: toResultText(value) }, writes);
    } catch (error) {
      if (control.aborted) await this.endAborted(task, kind, control, writes);
      else if (kind && task.attempt < task.maxAttempts && !this.stopping) await this.scheduleRetry(task, kind, reasonText(error), writes);
      else await this.end(task, 'failed', { error: reasonText(error) }, writes);
    }
  }

  private async endAborted(task: StoredTask, kind: TaskKind<any> | undefined, control: RunControl, writes: OrderedWrites): Promise<void> {
    if (control.reason !== this.shutdown || !kind || (kind.onInterrupted ?? 'rerun') !== 'rerun') {
      return this.end(task, 'cancelled', { error: reasonText(control.reason) }, writes);
    }
    await this.requeue(task, task.attempt, RESTART_STATUS, null, writes);
  }

  private async scheduleRetry(task: StoredTask, kind: TaskKind<any>, error: string, writes: OrderedWrites): Promise<void> {
    const delay = backoffDelay(kind, task.attempt);
    await this.requeue(task, task.attempt + 1, `Retrying in ${Math.ceil(delay / 1000)} s (attempt ${task.attempt + 1}/${task.maxAttempts})`, { error, runAt: this.now() + delay }, writes);
  }

  /** Back to the queue with a new job (the current one ends with this run). */
  private async requeue(task: StoredTask, attempt: number, statusText: string, wait: { error: string; runAt: number } | null, writes: OrderedWrites): Promise<void> {
    resetForRun(task, attempt);
    task.state = 'queued';
    task.statusText = statusText;
    task.jobId = newJobId(task.id);
    if (wait) {
      task.error = wait.error;
      task.runAt = wait.runAt;
    }
    const next = { ...task };
    if (!(await writes.change(() => this.write(next, true, ['running'])))) return;
    await this.retrying(() => this.queue.add('task', { taskId: next.id }, jobOptionsOf(next, this.now())));
  }

  private async end(task: StoredTask, state: Extract<TaskState, 'completed' | 'failed' | 'cancelled'>, outcome: { result?: string | null; error?: string }, writes: OrderedWrites): Promise<void> {
    task.state = state;
    task.statusText = state === 'completed' ? 'Completed' : state === 'failed' ? 'Failed' : 'Cancelled';
    if (state === 'completed') task.progress = 100;
    task.result = outcome.result ?? null;
    task.error = outcome.error ?? null;
    task.completedAt = this.now();
    const final = { ...task };
    await writes.change(() => this.write(final, true, ['running']));
    await this.store.redis.del(this.store.keys.cancelRequest(task.id)).catch(() => undefined);
  }

  /**
   * A state change, tried until Redis takes it (or the guard refuses it). A try whose answer was
   * lost may have landed: the guard then refuses the next one, and the stored state tells.
   */
  private async write(task: StoredTask, stateChanged: boolean, guard: readonly TaskState[]): Promise<boolean> {
    const outcome = await this.retrying(() => this.store.commit(task, { type: 'taskUpdated', task, stateChanged }, guard, this.now()));
    if (outcome.ok) return true;
    return outcome.stored?.state === task.state && outcome.stored.jobId === task.jobId && outcome.stored.attempt === task.attempt;
  }

  private async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        this.onError(error);
        await new Promise((resolve) => setTimeout(resolve, RETRY_WRITE_MS));
      }
    }
  }
}
