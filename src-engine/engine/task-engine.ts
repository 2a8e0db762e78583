import { randomUUID } from 'node:crypto';
import { createBoundedChannel, type Channel } from '../channel/index.js';
import type { TaskState } from '../protocol/messages.js';
import type { EngineEvent, EngineListener } from './engine-events.js';
import type { ControlResult, SubmitResult } from './engine-results.js';
import { TaskParameterError, type TaskKind } from './task-kind.js';
import type { TaskCounts, TaskRecord, TaskSubmission } from './task-record.js';
import { demoKind } from './kinds/demo-kind.js';

/** Options of {@link TaskEngine}; every field has a sensible default. */
export interface TaskEngineOptions {
  /** Workers running tasks at once. Default 8. */
  concurrency?: number;
  /** Tasks that may wait in the queue; past it, submit answers `queue-full`. Default 1000. */
  capacity?: number;
  /** Finished tasks kept in memory before the oldest are forgotten. Default 10,000. */
  historyLimit?: number;
  /** Kinds to register besides the built-in `demo`. */
  kinds?: readonly TaskKind<any>[];
  /** Clock, injectable for tests. */
  now?: () => number;
}

/** Filter and page of {@link TaskEngine.list}. */
export interface TaskQuery {
  clientId?: string;
  state?: TaskState;
  /** Case-insensitive substring of the name. */
  q?: string;
  limit?: number;
  offset?: number;
}

/** Options of {@link TaskEngine.stop}. */
export interface StopOptions {
  /** How long running tasks may take to finish before they are cancelled. Default 10 s. */
  graceMs?: number;
}

const SHUTDOWN_REASON = 'Server shutting down';
const CANCEL_REASON = 'Cancelled by request';

/**
 * Queues tasks through a bounded channel to a pool of workers and tells listeners about every
 * change. Knows nothing of HTTP, WebSockets or Electron: adapters subscribe to its events.
 */
export class TaskEngine {
  readonly concurrency: number;
  readonly capacity: number;
  private readonly historyLimit: number;
  private readonly now: () => number;
  private readonly kinds = new Map<string, TaskKind<any>>();
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly listeners = new Set<EngineListener>();
  private readonly queue: Channel<TaskRecord>;
  private readonly stopController = new AbortController();
  private workers: Promise<void>[] = [];
  private finishedCount = 0;
  private stopping = false;

  constructor(options: TaskEngineOptions = {}) {
    this.concurrency = positiveInteger(options.concurrency ?? 8, 'concurrency');
    this.capacity = positiveInteger(options.capacity ?? 1000, 'capacity');
    this.historyLimit = positiveInteger(options.historyLimit ?? 10_000, 'historyLimit');
    this.now = options.now ?? Date.now;
    this.queue = createBoundedChannel<TaskRecord>({ capacity: this.capacity, fullMode: 'wait' });
    this.registerKind(demoKind);
    for (const kind of options.kinds ?? []) this.registerKind(kind);
  }

  /** Adds (or replaces) a kind of task, by its name. */
  registerKind(kind: TaskKind<any>): void {
    this.kinds.set(kind.name, kind);
  }

  /** Starts the workers. Tasks submitted before start wait in the queue. */
  start(): void {
    if (this.workers.length > 0 || this.stopping) return;
    for (let i = 0; i < this.concurrency; i++) this.workers.push(this.workLoop());
  }

  /** Hears every event until the returned function is called. */
  subscribe(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Validates and enqueues a task. Never waits: a full queue is refused at once so that the
   * caller can answer "try again later" instead of hanging.
   */
  submit(submission: TaskSubmission): SubmitResult {
    if (this.stopping) return { ok: false, reason: 'stopped', message: 'The server is shutting down and accepts no new tasks' };
    const kindName = submission.kind ?? 'demo';
    const kind = this.kinds.get(kindName);
    if (!kind) return { ok: false, reason: 'unknown-kind', message: `Unknown task kind '${kindName}'` };
    let parameters: Record<string, unknown>;
    try {
      parameters = kind.parse(submission.parameters ?? {}) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof TaskParameterError) return { ok: false, reason: 'invalid-parameters', message: error.message };
      throw error;
    }
    const task = newTaskRecord(submission, kindName, parameters, this.now());
    if (!this.queue.writer.tryWrite(task)) {
      return { ok: false, reason: 'queue-full', message: `The queue is full (${this.capacity} tasks waiting); try again shortly` };
    }
    this.tasks.set(task.id, task);
    this.emit({ type: 'taskQueued', task });
    return { ok: true, task };
  }

  /** The task with this id, if the engine still knows it. */
  get(id: string): Readonly<TaskRecord> | undefined {
    return this.tasks.get(id);
  }

  /** Tasks matching the query, newest first, with the total before paging. */
  list(query: TaskQuery = {}): { items: Readonly<TaskRecord>[]; total: number } {
    const needle = query.q?.toLowerCase();
    const matches: TaskRecord[] = [];
    for (const task of this.tasks.values()) {
      if (query.clientId !== undefined && task.clientId !== query.clientId) continue;
      if (query.state !== undefined && task.state !== query.state) continue;
      if (needle && !task.name.toLowerCase().includes(needle)) continue;
      matches.push(task);
    }
    matches.reverse();
    const offset = query.offset ?? 0;
    const limit = query.limit ?? matches.length;
    return { items: matches.slice(offset, offset + limit), total: matches.length };
  }

  /** How many known tasks are in each state. */
  counts(): TaskCounts {
    const counts: TaskCounts = { queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
    for (const task of this.tasks.values()) counts[task.state]++;
    return counts;
  }

  /** Tasks waiting for a worker. */
  get queuedCount(): number {
    let queued = 0;
    for (const task of this.tasks.values()) if (task.state === 'queued') queued++;
    return queued;
  }

  /**
   * Cancels a queued task at once, or aborts a running one (its handler sees the signal and the
   * task ends Cancelled). Finished tasks are refused with `invalid-state`.
   */
  cancel(id: string): ControlResult {
    const task = this.tasks.get(id);
    if (!task) return { ok: false, reason: 'not-found', message: `No task with id ${id}` };
    if (task.state === 'queued') {
      this.finish(task, 'cancelled', { error: CANCEL_REASON });
      return { ok: true, task };
    }
    const run = this.running.get(id);
    if (task.state === 'running' && run) {
      run.controller.abort(new Error(CANCEL_REASON));
      return { ok: true, task };
    }
    return { ok: false, reason: 'invalid-state', message: `Task ${id} is already ${task.state}` };
  }

  /**
   * Stops accepting tasks, lets running ones finish within the grace period, then cancels the
   * rest. Tasks still queued stay queued (a durable store re-runs them on the next start).
   */
  async stop(options: StopOptions = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stopController.abort(new Error(SHUTDOWN_REASON));
    const allDone = Promise.all([...this.running.values()].map((run) => run.done));
    const grace = new Promise<'timeout'>((resolve) => setTimeout(resolve, options.graceMs ?? 10_000, 'timeout').unref());
    if ((await Promise.race([allDone, grace])) === 'timeout') {
      for (const run of this.running.values()) run.controller.abort(new Error(SHUTDOWN_REASON));
    }
    await allDone;
    await Promise.all(this.workers);
  }

  private async workLoop(): Promise<void> {
    const signal = this.stopController.signal;
    while (!signal.aborted) {
      let task: TaskRecord;
      try {
        task = await this.queue.reader.read(signal);
      } catch {
        return; // stopped
      }
      // A task cancelled while it waited is skipped; one dequeued during shutdown stays queued.
      if (task.state !== 'queued' || signal.aborted) continue;
      await this.runTask(task);
    }
  }

  private async runTask(task: TaskRecord): Promise<void> {
    const kind = this.kinds.get(task.kind)!;
    const controller = new AbortController();
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    this.running.set(task.id, { controller, done });
    task.state = 'running';
    task.startedAt = this.now();
    task.statusText = 'Running';
    task.progress = 0;
    this.emit({ type: 'taskUpdated', task, stateChanged: true });
    try {
      const value = await kind.run({
        taskId: task.id,
        name: task.name,
        parameters: task.parameters,
        signal: controller.signal,
        attempt: task.attempt,
        report: (progress, message) => this.report(task, controller.signal, progress, message),
      });
      if (controller.signal.aborted) this.finish(task, 'cancelled', { error: reasonText(controller.signal.reason) });
      else this.finish(task, 'completed', { result: toResultText(value) });
    } catch (error) {
      if (controller.signal.aborted) this.finish(task, 'cancelled', { error: reasonText(controller.signal.reason) });
      else this.finish(task, 'failed', { error: reasonText(error) });
    } finally {
      this.running.delete(task.id);
      finished();
    }
  }

  private report(task: TaskRecord, signal: AbortSignal, progress: number, message?: string): void {
    // Reports after the end (a handler that ignores its signal) must not resurrect the task.
    if (task.state !== 'running' || signal.aborted) return;
    task.progress = Math.min(100, Math.max(0, Number.isFinite(progress) ? progress : 0));
    if (message !== undefined) task.statusText = message;
    this.emit({ type: 'taskUpdated', task, stateChanged: false });
  }

  private finish(task: TaskRecord, state: 'completed' | 'failed' | 'cancelled', outcome: { result?: string | null; error?: string }): void {
    task.state = state;
    task.statusText = STATUS_TEXT[state];
    if (state === 'completed') task.progress = 100;
    task.result = outcome.result ?? null;
    task.error = outcome.error ?? null;
    task.completedAt = this.now();
    this.finishedCount++;
    this.emit({ type: 'taskUpdated', task, stateChanged: true });
    this.forgetOldest();
  }

  /** Keeps memory bounded: the oldest finished tasks go first; unfinished ones are never dropped. */
  private forgetOldest(): void {
    if (this.finishedCount <= this.historyLimit) return;
    for (const [id, task] of this.tasks) {
      if (this.finishedCount <= this.historyLimit) break;
      if (task.state === 'queued' || task.state === 'running') continue;
      this.tasks.delete(id);
      this.finishedCount--;
    }
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A faulty listener must not break the engine or starve the other listeners.
      }
    }
  }
}

const STATUS_TEXT = { completed: 'Completed', failed: 'Failed', cancelled: 'Cancelled' } as const;

function newTaskRecord(submission: TaskSubmission, kind: string, parameters: Record<string, unknown>, now: number): TaskRecord {
  return {
    id: randomUUID(),
    name: submission.name,
    kind,
    parameters,
    clientId: submission.clientId,
    state: 'queued',
    progress: 0,
    statusText: 'Queued',
    result: null,
    error: null,
    createdAt: now,
    startedAt: null,
    completedAt: null,
    attempt: 1,
  };
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number of at least 1 (got ${value})`);
  return value;
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return typeof reason === 'string' ? reason : 'Unknown error';
}

function toResultText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
