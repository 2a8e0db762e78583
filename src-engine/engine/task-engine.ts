import { setMaxListeners } from 'node:events';
import { Deque } from '../channel/deque.js';
import { createPriorityChannel, type Channel } from '../channel/index.js';
import type { TaskState } from '../protocol/messages.js';
import { MemoryTaskStore, type TaskStore } from '../store/task-store.js';
import { MemoryTaskLogStore, type TaskLogStore } from '../store/task-log-store.js';
import type { TaskLogLevel, TaskLogStream } from '../protocol/messages.js';
import type { EngineEvent, EngineListener } from './engine-events.js';
import type { ControlResult, SubmitResult } from './engine-results.js';
import { backoffDelay, MAX_ATTEMPTS_LIMIT, shouldRerunInterrupted } from './retry-policy.js';
import { TaskParameterError, type TaskKind } from './task-kind.js';
import type { TaskCounts, TaskRecord, TaskSubmission } from './task-record.js';
import { demoKind } from './kinds/demo-kind.js';
import { RESOLVED, RunContext, type RunControl, type RunHooks } from './run-control.js';
import { SessionIndex } from './session-index.js';
import { DurableCommits } from './durable-commits.js';
import { EngineRun } from './engine-run.js';
import { KeyCounts } from './key-counts.js';
import { RunSlots } from './run-slots.js';
import { systemClock, type Clock } from './clock.js';
import { DueTimer } from './due-timer.js';
import { AdmissionGate } from '../queue/admission-gate.js';
import type { QueueControlStore } from '../queue/queue-control-store.js';
import type { StopOptions, TaskQuery, TaskService } from './task-service.js';
import { emptyCounts, invalidState, listTasks, newTaskRecord, notFound, reasonText, resetForRun, SCHEDULED_STATUS, toResultText } from './task-rules.js';
export { SCHEDULED_STATUS } from './task-rules.js';

/** Options of {@link TaskEngine}; every field has a sensible default. */
export interface TaskEngineOptions {
  /** Workers running tasks at once. Default 8. */
  concurrency?: number;
  /** Tasks that may wait in the queue; past it, submit answers `queue-full`. Default 1000. */
  capacity?: number;
  /** Finished tasks kept (in memory and in the store) before the oldest are forgotten. Default 10,000. */
  historyLimit?: number;
  /** Kinds to register besides the built-in `demo`. */
  kinds?: readonly TaskKind<any>[];
  /** Durable storage; default keeps nothing (in-memory runs). */
  store?: TaskStore;
  /** Where task log lines are kept; default in memory (bounded per task). */
  logs?: TaskLogStore;
  /** Told about storage failures, which the engine survives (the task stays in memory). */
  onStoreError?: (error: unknown) => void;
  /** Wall clock, injectable for tests (overrides `clock.now`). */
  now?: () => number;
  /** Clock and timers of delayed tasks and retry backoffs, injectable for tests. Default: the system clock. */
  clock?: Clock;
  /** Where the queue's pause switches are kept (default: memory). */
  queueControlStore?: QueueControlStore;
}

export type { StopOptions, TaskQuery } from './task-service.js';

const SHUTDOWN_REASON = 'Server shutting down';
const CANCEL_REASON = 'Cancelled by request';
const RESTART_STATUS = 'Queued (runs again after the restart)';
const INTERRUPTED_REASON = 'Interrupted: the server stopped while this task was running';
const FINAL: ReadonlySet<TaskState> = new Set(['completed', 'failed', 'cancelled']);
const STATUS_TEXT = { completed: 'Completed', failed: 'Failed', cancelled: 'Cancelled' } as const;
/** Queue priority of a task the admission gate let through: ahead of every submitted priority. */
const RELEASED_PRIORITY = Number.MAX_SAFE_INTEGER;
/** Ticks kept while `Running` is being made durable; more are merged into the last. */
const MAX_HELD_TICKS = 64;

/**
 * Queues tasks through a bounded channel to a pool of workers and tells listeners about every
 * change. Knows nothing of HTTP, WebSockets or Electron: adapters subscribe to its events.
 *
 * Durability: every state change is saved to the store, and announced only once saved; progress
 * ticks are announced at once and saved with the next batch.
 */
export class TaskEngine implements TaskService {
  readonly concurrency: number;
  readonly capacity: number;
  private readonly historyLimit: number;
  private readonly now: () => number;
  private readonly store: TaskStore;
  /** Task log lines (read by the server; written through each run's context). */
  readonly logs: TaskLogStore;
  /** Whether the store writes anything: if not, changes are announced without waiting on it. */
  private readonly durable: boolean;
  private readonly onStoreError: (error: unknown) => void;
  private readonly kinds = new Map<string, TaskKind<any>>();
  private readonly tasks = new Map<string, TaskRecord>();
  /** Listed sessions' tasks: a session's list never scans other sessions' tasks (see SessionIndex). */
  private readonly sessions = new SessionIndex();
  private readonly counters: TaskCounts = emptyCounts();
  /** Queued tasks per session, kept with the counters so a per-session cap never scans. */
  private readonly queuedByClient = new KeyCounts();
  /**
   * Runs whose handler is running (what `cancel` and a stop past its grace abort). A run leaves
   * it when its handler returns, not when it settles: with a durable store its end waits for a
   * store batch, and a burst had every task of the batch in this map (a table that size costs a
   * cache miss per set and delete); now it holds at most `concurrency` runs.
   */
  private readonly running = new RunSlots();
  /** Runs started and not yet settled (their end durable and announced): what `stop` waits for. */
  private unsettledRuns = 0;
  /** Wakes `stop` once {@link unsettledRuns} is 0. */
  private allSettled: (() => void) | undefined;
  /**
   * Tasks accepted but not yet announced: a worker must not announce `Running` before `Queued`.
   * A set, with the few workers that dequeued a task early in {@link earlyWorkers}: with a burst
   * of submissions in one store batch it grows to every task of the burst, and a map's extra
   * `get` per answer showed in profiles (entries of a table that size are cache misses).
   */
  private readonly announcing = new Set<string>();
  /** The wake-up of a worker that dequeued a task before its submit was answered (no promise per task). */
  private readonly earlyWorkers = new Map<string, () => void>();
  /** Final tasks in the order they became final, for {@link forgetOldest} (O(1) instead of a scan). */
  private readonly finishOrder = new Deque<TaskRecord>();
  /**
   * Tasks waiting for a time: delayed tasks (state scheduled) and retry backoffs (state queued
   * with `runAt`). One heap and one timer for all of them, however many.
   */
  private readonly due: DueTimer<TaskRecord>;
  /**
   * Pause switches and per-kind limits (src-engine/queue/): workers ask it before running a task;
   * a task that may not run yet is parked there and released into the queue, ahead of the rest.
   */
  readonly queueControl: AdmissionGate<TaskRecord>;
  /** What every run's context calls back into (no closures per run). */
  private readonly runHooks: RunHooks = {
    report: (task, control, progress, message) => this.report(task, control, progress, message),
    write: (task, stream, text, level) => this.writeLog(task, stream, text, level),
  };
  /** Announcements waiting for the store, one promise reaction per store batch (durable stores only). */
  private readonly commits: DurableCommits;
  /** Replaced, never mutated, on (un)subscribe: emitting walks a plain array (no iterator per event). */
  private listeners: readonly EngineListener[] = [];
  private readonly queue: Channel<TaskRecord>;
  private readonly stopController = new AbortController();
  private workers: Promise<void>[] = [];
  private stopping = false;
  /** The abort reason of a graceful stop, told apart from a cancellation by identity. */
  private readonly shutdown = new Error(SHUTDOWN_REASON);

  constructor(options: TaskEngineOptions = {}) {
    this.concurrency = positiveInteger(options.concurrency ?? 8, 'concurrency');
    this.capacity = positiveInteger(options.capacity ?? 1000, 'capacity');
    this.historyLimit = positiveInteger(options.historyLimit ?? 10_000, 'historyLimit');
    const clock = options.clock ?? systemClock;
    this.now = options.now ?? (() => clock.now());
    this.due = new DueTimer(clock, (task) => this.onDue(task));
    this.queueControl = new AdmissionGate<TaskRecord>({
      clock,
      ...(options.queueControlStore ? { store: options.queueControlStore } : {}),
      limitsOf: (kind) => this.kinds.get(kind),
      release: (task) => this.enqueue(task),
      reasonChanged: (task) => this.emit({ type: 'taskUpdated', task, stateChanged: false }),
    });
    this.queueControl.subscribe(() => this.rewordPaused());
    this.store = options.store ?? new MemoryTaskStore();
    this.logs = options.logs ?? new MemoryTaskLogStore();
    this.durable = this.store.durable !== false;
    this.onStoreError = options.onStoreError ?? (() => undefined);
    this.commits = new DurableCommits({
      announce: (snapshot) => this.emit({ type: 'taskUpdated', task: snapshot, stateChanged: true }),
      failed: (error) => this.onStoreError(error),
      finished: () => this.forgetOldest(),
      runStarted: (run) => this.announceRunning(run),
      runEnded: (run) => this.settleRun(run),
    });
    // Every idle worker waits on this signal: with more than 10 workers, not a leak.
    setMaxListeners(0, this.stopController.signal);
    // Higher priority first, FIFO among equals; full means refused (submit) or waiting (retries).
    // Tasks the gate let through hold a slot of their kind: they are read before everything else.
    this.queue = createPriorityChannel<TaskRecord>({ capacity: this.capacity, priorityOf: (task) => (this.queueControl.isReleased(task.id) ? RELEASED_PRIORITY : task.priority) });
    this.registerKind(demoKind);
    for (const kind of options.kinds ?? []) this.registerKind(kind);
  }

  /** Adds (or replaces) a kind of task, by its name. Running tasks keep the kind they started with. */
  registerKind(kind: TaskKind<any>): void {
    this.kinds.set(kind.name, kind);
  }

  /** Removes a kind: new submissions of it are refused; running tasks finish with the kind they have. */
  unregisterKind(name: string): void {
    this.kinds.delete(name);
  }

  /** The registered kind of this name (its metadata: title, schema, who may start it). */
  kindNamed(name: string): TaskKind<any> | undefined {
    return this.kinds.get(name);
  }

  /**
   * Recovers what the store holds (queued tasks are queued again; tasks that were running when
   * the process died are re-run or failed, per their kind) and starts the workers.
   */
  start(): void {
    if (this.workers.length > 0 || this.stopping) return;
    // Only the history that is kept: older finished rows are never read (the store prunes them).
    for (const task of this.store.loadAll({ finishedLimit: this.historyLimit })) this.recover(task);
    this.forgetOldest();
    for (let i = 0; i < this.concurrency; i++) this.workers.push(this.workLoop());
  }

  /** Hears every event until the returned function is called. */
  subscribe(listener: EngineListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((other) => other !== listener);
    };
  }

  /**
   * Validates, stores and enqueues a task. Never waits for queue space: a full queue is refused
   * at once so that the caller can answer "try again later" instead of hanging. Resolves once
   * the task is durable and announced.
   */
  submit(submission: TaskSubmission): Promise<SubmitResult> {
    // Not an async function: a submit waiting for its store batch kept a suspended async frame
    // (its registers, an await reaction and closures, ~0.5 KB), and a burst of submissions keeps
    // tens of thousands of them alive at once, all copied by the young-generation collector. A
    // `then` on the save holds less. A throw still becomes a rejection, as it did.
    try {
      return this.accept(submission);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private accept(submission: TaskSubmission): Promise<SubmitResult> {
    if (this.stopping) return Promise.resolve({ ok: false, reason: 'stopped', message: 'The server is shutting down and accepts no new tasks' });
    if (this.store.failure !== undefined) return Promise.resolve(storageFailed(this.store.failure));
    const kindName = submission.kind ?? 'demo';
    const kind = this.kinds.get(kindName);
    if (!kind) return Promise.resolve({ ok: false, reason: 'unknown-kind', message: `Unknown task kind '${kindName}'` });
    let parameters: Record<string, unknown>;
    try {
      parameters = kind.parse(submission.parameters ?? {}) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof TaskParameterError) return Promise.resolve({ ok: false, reason: 'invalid-parameters', message: error.message });
      throw error;
    }
    const maxAttempts = Math.min(MAX_ATTEMPTS_LIMIT, submission.maxAttempts ?? kind.maxAttempts ?? 1);
    const task = newTaskRecord(submission, kindName, parameters, maxAttempts, this.now());
    task.job = kind.job ? kindName : null;
    if (this.queueControl.paused || this.queueControl.isKindPaused(kindName)) task.waitReason = 'paused';
    if (task.state === 'scheduled') return this.submitScheduled(task);
    if (!this.queue.writer.tryWrite(task)) {
      return Promise.resolve({ ok: false, reason: 'queue-full', message: `The queue is full (${this.capacity} tasks waiting); try again shortly` });
    }
    this.hold(task);
    if (!this.durable) {
      // Nothing to wait for: announce at once (a worker that took the task runs after this turn).
      this.emit({ type: 'taskQueued', task });
      return Promise.resolve({ ok: true, task });
    }
    this.announcing.add(task.id);
    let saved: Promise<void>;
    try {
      saved = this.store.save(task);
    } catch (error) {
      saved = Promise.reject(error);
    }
    return saved.then(
      () => this.accepted(task),
      (error: unknown) => this.notStored(task, error),
    );
  }

  /** A submitted task is durable: announced (a worker that took it early may run it now). */
  private accepted(task: TaskRecord): SubmitResult {
    this.announced(task);
    this.emit({ type: 'taskQueued', task: { ...task } });
    return { ok: true, task };
  }

  /** Not durable, so not accepted: the worker will skip it, and the caller hears why. */
  private notStored(task: TaskRecord, error: unknown): SubmitResult {
    this.onStoreError(error);
    this.setState(task, 'failed');
    this.release(task);
    this.announced(task);
    return storageFailed(this.store.failure ?? reasonText(error));
  }

  /** A worker that dequeued the task before its submit was answered may go on (see `announcing`). */
  private announced(task: TaskRecord): void {
    this.announcing.delete(task.id);
    if (this.earlyWorkers.size === 0) return;
    const wake = this.earlyWorkers.get(task.id);
    if (!wake) return;
    this.earlyWorkers.delete(task.id);
    wake();
  }

  /**
   * A task that runs later: it waits in the due heap, not in the queue (so it takes no queue
   * space), and is announced once stored, like any other.
   */
  private async submitScheduled(task: TaskRecord): Promise<SubmitResult> {
    this.hold(task);
    if (this.durable) {
      try {
        await this.store.save(task);
      } catch (error) {
        this.onStoreError(error);
        this.release(task);
        return { ok: false, reason: 'storage-failed', message: 'The task could not be stored; try again shortly' };
      }
    }
    // Cancelled before it was even stored? Then it is gone already.
    if (task.state !== 'scheduled') return { ok: true, task };
    this.emit({ type: 'taskQueued', task: this.durable ? { ...task } : task });
    this.due.set(task.id, task, task.runAt!);
    return { ok: true, task };
  }

  /**
   * Whether a submission of this kind with these parameters would be accepted, without queueing
   * anything: schedules check their task once, when they are made, rather than at every run.
   */
  check(kindName: string, parameters: Record<string, unknown>): { ok: true } | { ok: false; reason: 'unknown-kind' | 'invalid-parameters'; message: string } {
    const kind = this.kinds.get(kindName);
    if (!kind) return { ok: false, reason: 'unknown-kind', message: `Unknown task kind '${kindName}'` };
    try {
      kind.parse(parameters);
      return { ok: true };
    } catch (error) {
      if (error instanceof TaskParameterError) return { ok: false, reason: 'invalid-parameters', message: error.message };
      throw error;
    }
  }

  /** Names of the registered kinds. */
  kindNames(): string[] {
    return [...this.kinds.keys()];
  }

  /** The kind registered under `name`. */
  kindOf(name: string): Readonly<TaskKind<any>> | undefined {
    return this.kinds.get(name);
  }

  /** The task with this id, if the engine still knows it. */
  get(id: string): Readonly<TaskRecord> | undefined {
    return this.tasks.get(id);
  }

  /**
   * Tasks matching the query, newest first, with the total before paging and, in the same pass,
   * the session's (or everyone's) counts by state, whatever the state and name filters.
   */
  list(query: TaskQuery = {}): { items: Readonly<TaskRecord>[]; total: number; counts: TaskCounts } {
    // A session's list walks that session's tasks only (same order as the map).
    return listTasks(query.clientId === undefined ? this.tasks.values() : this.sessions.tasksOf(query.clientId, this.tasks), query);
  }

  /** Why the store cannot write right now (e.g. `disk full (SQLITE_FULL)`); undefined while it can. */
  get storeFailure(): string | undefined {
    return this.store.failure;
  }

  /** How many known tasks are in each state. */
  counts(): TaskCounts {
    return { ...this.counters };
  }

  /** A session's tasks waiting for a worker (or for a retry backoff to end). O(1). */
  queuedFor(clientId: string): number {
    return this.queuedByClient.get(clientId);
  }

  /** Tasks waiting for a worker (or for a retry backoff to end). */
  get queuedCount(): number {
    return this.counters.queued;
  }

  /** Tasks running now (what `counts().running` says, without the copy). */
  get runningCount(): number {
    return this.counters.running;
  }

  /**
   * Cancels a scheduled or queued task (also one waiting out a retry backoff) at once, or aborts a running one
   * (its handler sees the signal and the task ends Cancelled). Final tasks: `invalid-state`.
   */
  async cancel(id: string): Promise<ControlResult> {
    const task = this.tasks.get(id);
    if (!task) return notFound(id);
    if (task.state === 'queued' || task.state === 'scheduled') {
      this.clearDue(task);
      await this.finish(task, 'cancelled', { error: CANCEL_REASON });
      return { ok: true, task };
    }
    const run = this.running.get(id);
    if (task.state === 'running' && run) {
      run.abort(new Error(CANCEL_REASON));
      await run.done;
      return { ok: true, task };
    }
    return invalidState(task, 'cancel');
  }

  /** Runs a failed or cancelled task again from the start, with a fresh budget of attempts. */
  async retry(id: string): Promise<ControlResult> {
    const task = this.tasks.get(id);
    if (!task) return notFound(id);
    if (task.state !== 'failed' && task.state !== 'cancelled') return invalidState(task, 'retry');
    if (this.stopping || this.queue.reader.count >= this.capacity) {
      return { ok: false, reason: 'queue-full', message: `The queue is full (${this.capacity} tasks waiting); try again shortly` };
    }
    resetForRun(task, 1);
    this.setState(task, 'queued');
    if (!this.queue.writer.tryWrite(task)) throw new Error('queue space vanished between check and write'); // single-threaded: unreachable
    await this.commit(task);
    return { ok: true, task };
  }

  /**
   * Forgets a finished task, or a scheduled one (which then never runs), in memory and in the
   * store. Queued and running tasks: `invalid-state`.
   */
  async delete(id: string): Promise<ControlResult> {
    const task = this.tasks.get(id);
    if (!task) return notFound(id);
    if (!FINAL.has(task.state) && task.state !== 'scheduled') return invalidState(task, 'delete');
    if (task.state === 'scheduled') this.clearDue(task);
    await this.forget([task]);
    return { ok: true, task };
  }

  /** Forgets a session's finished tasks (all final states, or only those given). Returns how many. */
  async clearFinished(clientId: string, states: readonly TaskState[] = [...FINAL]): Promise<number> {
    const wanted = new Set(states.filter((state) => FINAL.has(state)));
    const doomed = [...this.sessions.tasksOf(clientId, this.tasks)].filter((task) => task.clientId === clientId && wanted.has(task.state));
    await this.forget(doomed);
    return doomed.length;
  }

  /**
   * Stops accepting tasks, lets running ones finish within the grace period, then interrupts the
   * rest: with a durable store, those whose kind reruns after an interruption go back to the queue
   * (same attempt: a graceful stop costs none) and run at the next start; the others end
   * Cancelled. Queued tasks stay queued in the store and run on the next start.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stopController.abort(this.shutdown);
    // Idle workers wait on the queue without the stop signal (see workLoop): completing it wakes them.
    this.queue.writer.tryComplete();
    this.due.stop();
    // Every run ends and settles (no run starts once stopping): handlers still running, and runs
    // whose end waits for the store.
    const allDone = this.unsettledRuns === 0 ? RESOLVED : new Promise<void>((resolve) => (this.allSettled = resolve));
    let graceTimer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => (graceTimer = setTimeout(resolve, options.graceMs ?? 10_000, 'timeout')));
    if ((await Promise.race([allDone, grace])) === 'timeout') {
      for (const run of this.running.snapshot()) run.abort(this.shutdown);
      this.store.stopRetrying?.(); // what a failing store still holds is lost to this run, and reruns at the next start
    }
    clearTimeout(graceTimer);
    await allDone;
    await Promise.all(this.workers);
  }

  private async workLoop(): Promise<void> {
    const signal = this.stopController.signal;
    while (!signal.aborted) {
      if (this.queueControl.paused) {
        try {
          await this.queueControl.whenResumed(signal);
        } catch {
          return; // stopped
        }
      }
      let task: TaskRecord;
      // The fast path takes a waiting task without a promise; only an idle worker waits. It waits
      // without the stop signal: each read with it added and removed an abort listener (Node's
      // EventTarget: several objects and checks), once per task when workers outnumber the
      // waiting tasks. `stop` completes the queue instead, which wakes the idle workers.
      const next = this.queue.reader.tryRead();
      if (next.ok) task = next.value;
      else {
        try {
          task = await this.queue.reader.read();
        } catch {
          return; // stopped
        }
      }
      // No lookup while nothing waits for its answer (most reads: a batch is answered as a whole).
      if (this.announcing.size > 0 && this.announcing.has(task.id)) await new Promise<void>((resolve) => this.earlyWorkers.set(task.id, resolve));
      // The store cannot write: start nothing until it can (the task stays queued meanwhile).
      if (this.store.failure !== undefined) await waitUnlessAborted(this.store.writable?.(), signal);
      // Cancelled while it waited: skip. Dequeued during shutdown: it stays queued in the store.
      if (task.state !== 'queued' || signal.aborted) {
        this.queueControl.dropped(task);
        continue;
      }
      // Paused, or its kind at a limit: parked by the gate, which queues it again when it may run.
      if (!this.queueControl.admit(task)) continue;
      await this.runTask(task);
    }
  }

  /**
   * Runs one task in a worker's slot. The worker does not wait for the store: `Running` and the
   * final state are announced once durable (in order, as the store's batches complete), while the
   * handler already runs and the worker moves on. So the store writes in big batches instead of
   * one small commit per state change per worker, which capped a persistent engine at
   * `concurrency / (2 × commit time)` tasks per second. The run settles (`cancel` and `stop` wait
   * for it) once its end is durable and announced.
   */
  private async runTask(task: TaskRecord): Promise<void> {
    const kind = this.kinds.get(task.kind);
    const control = new EngineRun(task);
    this.running.add(control);
    this.unsettledRuns++;
    // Undefined: the final commit settles the run itself (no promise per task for it).
    let ended: Promise<void> | undefined;
    try {
      task.startedAt = this.now();
      task.waitReason = null;
      task.statusText = 'Running';
      task.progress = 0;
      this.setState(task, 'running');
      const announced = this.commitRunning(control);
      // A kind that must never run twice (a crash fails it instead) starts only once `running` is durable.
      if (kind?.onInterrupted === 'fail') await announced;
      if (!kind) throw new Error(`Unknown task kind '${task.kind}'`);
      const context = new RunContext(task, control, this.runHooks);
      const value = await kind.run(context);
      if (control.aborted) ended = this.endAborted(task, kind, control);
      else this.finish(task, 'completed', { result: toResultText(value) }, control);
    } catch (error) {
      if (control.aborted) ended = this.endAborted(task, kind, control);
      else if (kind && task.attempt < task.maxAttempts && !this.stopping) ended = this.scheduleRetry(task, kind, reasonText(error));
      else this.finish(task, 'failed', { error: reasonText(error) }, control);
    }
    this.running.remove(control);
    if (ended === RESOLVED) this.settleRun(control);
    else if (ended) {
      const settle = (): void => this.settleRun(control);
      ended.then(settle, settle);
    }
  }

  /** A run is over (its end announced, or a retry or requeue made durable): its slot is free. */
  private settleRun(run: EngineRun): void {
    this.logs.release(run.task.id);
    this.queueControl.finished(run.task);
    run.settle();
    if (--this.unsettledRuns === 0 && this.allSettled) {
      const wake = this.allSettled;
      this.allSettled = undefined;
      wake();
    }
  }

  /**
   * `Running` of a run that just started: durable, then announced (built from what the run kept,
   * see EngineRun), then the ticks held meanwhile follow.
   */
  private commitRunning(run: EngineRun): Promise<void> {
    if (!this.durable) {
      this.commit(run.task);
      this.announceRunning(run);
      return RESOLVED;
    }
    run.started();
    return this.commits.addStart(this.store.save(run.task), run);
  }

  /**
   * An aborted run: cancelled, unless the server stopped gracefully and its kind reruns after an
   * interruption; then it goes back to the queue, durably, with the same attempt number, and runs
   * at the next start (a crash would rerun it too, so a clean stop must not lose it).
   */
  private endAborted(task: TaskRecord, kind: TaskKind<any> | undefined, control: EngineRun): Promise<void> {
    if (control.reason !== this.shutdown || !this.durable || !kind || (kind.onInterrupted ?? 'rerun') !== 'rerun') {
      return this.finish(task, 'cancelled', { error: reasonText(control.reason) });
    }
    resetForRun(task, task.attempt);
    task.statusText = RESTART_STATUS;
    this.setState(task, 'queued');
    return this.commit(task);
  }

  /** `Running` is out: the ticks held back meanwhile follow it, in order; later ones go out at once. */
  private announceRunning(control: RunControl): void {
    control.announced = true;
    const held = control.held;
    control.held = undefined;
    if (held) for (const snapshot of held) this.emit({ type: 'taskUpdated', task: snapshot, stateChanged: false });
  }

  private report(task: TaskRecord, control: RunControl, progress: number, message?: string): void {
    // Reports after the end (a handler that ignores its signal) must not resurrect the task.
    if (task.state !== 'running' || control.aborted) return;
    task.progress = Math.min(100, Math.max(0, Number.isFinite(progress) ? progress : 0));
    if (message !== undefined) task.statusText = message;
    this.store.saveSoon(task);
    if (control.announced) {
      this.emit({ type: 'taskUpdated', task, stateChanged: false });
      return;
    }
    // Not before `Running` itself is out (see announceRunning). A handler that reports in a tight
    // loop meanwhile has its excess ticks merged into the last one held.
    const held = (control.held ??= []);
    if (held.length < MAX_HELD_TICKS) held.push({ ...task });
    else held[held.length - 1] = { ...task };
  }

  /** A line of a running task's log: kept (bounded) and announced. Lines after its end are dropped. */
  private writeLog(task: TaskRecord, stream: TaskLogStream, text: string, level?: TaskLogLevel): void {
    if (task.state !== 'running') return;
    const lines = this.logs.append(task.id, { time: this.now(), stream, level, text });
    for (const line of lines) this.emit({ type: 'taskLog', task, line });
  }

  /** A failed run with attempts left: wait out the backoff in state queued, then re-enter the queue. */
  private async scheduleRetry(task: TaskRecord, kind: TaskKind<any>, error: string): Promise<void> {
    const delay = backoffDelay(kind, task.attempt);
    resetForRun(task, task.attempt + 1);
    task.error = error;
    task.runAt = this.now() + delay;
    task.statusText = `Retrying in ${Math.ceil(delay / 1000)} s (attempt ${task.attempt}/${task.maxAttempts})`;
    this.setState(task, 'queued');
    await this.commit(task);
    if (task.state === 'queued' && task.runAt !== null) this.due.set(task.id, task, task.runAt);
  }

  /** A task's time has come: a delayed task is queued, a retry's backoff is over. */
  private onDue(task: TaskRecord): void {
    if (this.stopping || this.tasks.get(task.id) !== task) return;
    if (task.state === 'scheduled') {
      task.runAt = null;
      task.statusText = 'Queued';
      this.setState(task, 'queued');
      // Durable and announced before a worker can announce Running: commits announce in order.
      void this.commit(task);
      this.enqueue(task);
      return;
    }
    if (task.state !== 'queued') return;
    task.runAt = null;
    task.statusText = `Queued (attempt ${task.attempt}/${task.maxAttempts})`;
    // The wait is over: say so (same state, so a tick), then take a place in the queue.
    this.store.saveSoon(task);
    this.emit({ type: 'taskUpdated', task, stateChanged: false });
    this.enqueue(task);
  }

  /** Puts a task in the queue; one that finds it full (newer submissions) waits for space rather than failing. */
  private enqueue(task: TaskRecord): void {
    // Back from a wait (delay, backoff) during which the queue may have been paused or resumed.
    if (!this.queueControl.isReleased(task.id)) task.waitReason = this.queueControl.paused || this.queueControl.isKindPaused(task.kind) ? 'paused' : null;
    if (!this.queue.writer.tryWrite(task)) void this.queue.writer.write(task, this.stopController.signal).catch(() => undefined);
  }

  private clearDue(task: TaskRecord): void {
    this.due.delete(task.id);
    task.runAt = null;
  }

  /**
   * Ends a task: durable and announced, then the history is trimmed and `run` (the run it ends, if
   * any) settles, also when the store failed. Resolves once that is done.
   */
  private finish(task: TaskRecord, state: 'completed' | 'failed' | 'cancelled', outcome: { result?: string | null; error?: string }, run?: EngineRun): Promise<void> {
    task.statusText = STATUS_TEXT[state];
    if (state === 'completed') task.progress = 100;
    task.result = outcome.result ?? null;
    task.error = outcome.error ?? null;
    task.completedAt = this.now();
    this.setState(task, state);
    if (this.durable) {
      // The history is trimmed once per store batch, after its announcements (DurableCommits).
      // A completed task never changes again (only failed and cancelled ones can be retried), so
      // its record is what is announced: no copy, which would live until the batch is durable.
      const saved = this.store.save(task);
      const snapshot = state === 'completed' ? task : { ...task };
      return run ? this.commits.addEnd(saved, snapshot, run) : this.commits.add(saved, snapshot, true);
    }
    // Nothing to wait for: no promise chain per task.
    this.commit(task);
    this.forgetOldest();
    if (run) this.settleRun(run);
    return RESOLVED;
  }

  /**
   * Makes the current state durable, then announces it (a snapshot, as later changes may follow).
   * Commits announce in the order they were made: the store's batches complete in
   * order, and those of one batch in the order they joined it.
   */
  private commit(task: TaskRecord): Promise<void> {
    if (this.durable) return this.commitDurably(task);
    // Nothing is written, so nothing to wait for: listeners read the live record synchronously.
    this.emit({ type: 'taskUpdated', task, stateChanged: true });
    return RESOLVED;
  }

  /**
   * Durable store: a snapshot (later changes may follow before the write is durable) announced
   * once saved. Not durable (the save failed), never announced: a client must not see a state
   * that a crash takes back (DurableCommits tells onStoreError instead).
   */
  private commitDurably(task: TaskRecord): Promise<void> {
    return this.commits.add(this.store.save(task), { ...task });
  }

  /**
   * The queue or a kind was paused or resumed: queued tasks that are not parked (those are the
   * gate's to word) say `paused`, or stop saying it.
   */
  private rewordPaused(): void {
    const gate = this.queueControl;
    for (const task of this.tasks.values()) {
      if (task.state !== 'queued' || task.runAt !== null) continue;
      const paused = gate.paused || gate.isKindPaused(task.kind);
      if (paused && !task.waitReason) task.waitReason = 'paused';
      else if (!paused && task.waitReason === 'paused') task.waitReason = null;
      else continue;
      this.emit({ type: 'taskUpdated', task, stateChanged: false });
    }
  }

  /** Recovers one stored task at start. */
  private recover(task: TaskRecord): void {
    task.job = this.kinds.get(task.kind)?.job ? task.kind : null;
    this.hold(task);
    if (FINAL.has(task.state)) this.finishOrder.push(task);
    if (task.state === 'running') {
      if (shouldRerunInterrupted(this.kinds.get(task.kind), task.attempt, task.maxAttempts)) {
        resetForRun(task, task.attempt + 1);
        task.statusText = 'Queued (re-run after an interruption)';
        this.setState(task, 'queued');
      } else {
        task.statusText = STATUS_TEXT.failed;
        task.error = INTERRUPTED_REASON;
        task.completedAt = this.now();
        this.setState(task, 'failed');
      }
      this.store.save(task).catch(this.onStoreError);
    }
    // Delayed tasks and backoffs wait out the rest of their time; one that came due while the
    // server was down comes due at once (the heap fires it on the next turn).
    if (task.state === 'scheduled' || (task.state === 'queued' && task.runAt !== null)) {
      this.due.set(task.id, task, task.runAt ?? this.now());
      return;
    }
    if (task.state === 'queued') this.enqueue(task);
  }

  /** A task enters the engine's map (at its end), its counters and its session's index. */
  private hold(task: TaskRecord): void {
    this.tasks.set(task.id, task);
    this.sessions.added(task);
    this.count(task, 1);
  }

  /** A task leaves the engine's map, its counters and its session's index. */
  private release(task: TaskRecord): void {
    this.tasks.delete(task.id);
    this.sessions.removed(task);
    this.count(task, -1);
  }

  /** Adds (+1) or removes (-1) a task, in its current state, from the counters. */
  private count(task: TaskRecord, delta: 1 | -1): void {
    this.counters[task.state] += delta;
    if (task.state !== 'queued') return;
    this.queuedByClient.add(task.clientId, delta);
  }

  private setState(task: TaskRecord, state: TaskState): void {
    const wasFinal = FINAL.has(task.state);
    this.count(task, -1);
    task.state = state;
    this.count(task, 1);
    if (FINAL.has(state)) this.finishOrder.push(task);
    // Retried: it leaves the order of finishing (rare, O(history)); it re-enters when it ends again.
    else if (wasFinal) this.finishOrder.retain((other) => other !== task);
  }

  private async forget(doomed: readonly TaskRecord[]): Promise<void> {
    if (doomed.length === 0) return;
    for (const task of doomed) this.release(task);
    try {
      const ids = doomed.map((task) => task.id);
      this.logs.forget(ids);
      await this.store.delete(ids);
    } catch (error) {
      this.onStoreError(error);
      return; // not durable: not announced (a restart shows them again)
    }
    const byClient = new Map<string, string[]>();
    for (const task of doomed) byClient.set(task.clientId, [...(byClient.get(task.clientId) ?? []), task.id]);
    for (const [clientId, ids] of byClient) this.emit({ type: 'tasksDeleted', clientId, ids });
  }

  /**
   * Keeps memory and the store bounded: the tasks that finished first are forgotten first,
   * unfinished ones never. O(1) per call: the order of finishing is kept, not searched for (a
   * scan of the task map from its start also walks the holes deleted entries leave, which made
   * every finish O(history)).
   */
  private forgetOldest(): void {
    let excess = this.counters.completed + this.counters.failed + this.counters.cancelled - this.historyLimit;
    if (excess <= 0) return;
    const doomed: string[] = [];
    while (excess > 0 && this.finishOrder.length > 0) {
      const task = this.finishOrder.shift();
      // Stale: deleted by hand since it finished.
      if (this.tasks.get(task.id) !== task || !FINAL.has(task.state)) continue;
      this.release(task);
      doomed.push(task.id);
      excess--;
    }
    if (doomed.length > 0) this.logs.forget(doomed);
    if (this.durable && doomed.length > 0) this.store.delete(doomed).catch(this.onStoreError);
  }

  private emit(event: EngineEvent): void {
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) {
      const listener = listeners[i]!;
      try {
        listener(event);
      } catch {
        // A faulty listener must not break the engine or starve the other listeners.
      }
    }
  }
}

function storageFailed(cause: string): SubmitResult {
  return { ok: false, reason: 'storage-failed', message: `The task could not be stored: ${cause}. No new tasks are accepted until the task database can be written again.` };
}

/** Waits for `promise`, or until the signal aborts (never rejects). */
function waitUnlessAborted(promise: Promise<void> | undefined, signal: AbortSignal): Promise<void> {
  if (!promise || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void promise.then(done);
  });
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number of at least 1 (got ${value})`);
  return value;
}
