import { randomUUID } from 'node:crypto';
import type { Clock } from '../engine/clock.js';
import { systemClock } from '../engine/clock.js';
import { DueTimer } from '../engine/due-timer.js';
import type { EngineListener } from '../engine/engine-events.js';
import type { SubmitResult } from '../engine/engine-results.js';
import type { TaskRecord, TaskSubmission } from '../engine/task-record.js';
import { FINAL_STATES, type TaskState } from '../protocol/messages.js';
import type { MisfirePolicy, OverlapPolicy, ScheduleInput } from '../protocol/schedules.js';
import { checkCron, nextRun } from './cron-rule.js';
import type { ScheduleRecord, ScheduleStore } from './schedule-record.js';
import { MemoryScheduleStore } from './schedule-record.js';
import type { ScheduleTimer } from './schedule-timer.js';

/** What the scheduler needs of the engine. */
export interface SchedulerEngine {
  submit(submission: TaskSubmission): Promise<SubmitResult>;
  get(id: string): Readonly<TaskRecord> | undefined;
  subscribe(listener: EngineListener): () => void;
  check(kind: string, parameters: Record<string, unknown>): { ok: true } | { ok: false; message: string };
}

/** Session the runs of a schedule land in when nobody said otherwise (file schedules, token callers). */
export const OWNER_SESSION_ID = 'owner';

/** Longest schedule name. */
export const MAX_SCHEDULE_NAME_LENGTH = 200;

/**
 * A run that fires later than this after its time (the server was down, the machine asleep) is a
 * misfire, handled per the schedule's `misfire` policy. Shorter delays are ordinary timer lateness.
 */
export const DEFAULT_MISFIRE_GRACE_MS = 60_000;

/** Why a schedule request was refused; the server maps each to an HTTP status. */
export type ScheduleRefusal = 'not-found' | 'invalid-cron' | 'invalid-timezone' | 'invalid-schedule' | 'read-only' | 'submit-refused';

/** Outcome of a schedule request. */
export type ScheduleResult<T = ScheduleRecord> = { readonly ok: true; readonly value: T } | ScheduleFailure;
/** A refused schedule request. */
export type ScheduleFailure = { readonly ok: false; readonly reason: ScheduleRefusal; readonly message: string };

/** What the scheduler tells its listeners. */
export type ScheduleEvent = { readonly type: 'scheduleUpdated'; readonly schedule: Readonly<ScheduleRecord> } | { readonly type: 'scheduleDeleted'; readonly id: string };

/** A schedule declared in the jobs file (`"schedule": { ... }` of job `job`). */
export interface FileScheduleDeclaration {
  /** The job (kind) id: each run is a task of this kind; also names the schedule (`file:<job>`). */
  job: string;
  cron: string;
  timezone?: string;
  parameters?: Record<string, unknown>;
  overlap?: OverlapPolicy;
  misfire?: MisfirePolicy;
  /** Display name; default the job id. */
  name?: string;
}

/** Options of {@link Scheduler}. */
export interface SchedulerOptions {
  engine: SchedulerEngine;
  store?: ScheduleStore;
  clock?: Clock;
  misfireGraceMs?: number;
  /** Zone of schedules that name none. Default UTC. */
  defaultTimezone?: string;
  /**
   * What fires due schedules (it calls back with the schedule); default one timer in this
   * process. A cluster passes BullMQ's job schedulers and calls {@link Scheduler.fireDue}.
   */
  timer?: (fire: (schedule: ScheduleRecord) => void) => ScheduleTimer;
}

const ACTIVE: ReadonlySet<TaskState> = new Set(['scheduled', 'queued', 'running']);
const OVERLAPS: readonly OverlapPolicy[] = ['skip', 'queue', 'allow'];
const MISFIRES: readonly MisfirePolicy[] = ['runOnce', 'skip'];

/**
 * Recurring schedules: each comes due at the times its cron expression names in its time zone, and
 * each run is an ordinary task carrying `scheduleId`. One timer in all (a due heap of next run
 * times). Next run times are stored, so a restart knows what came due while the server was down
 * and applies the misfire policy; overlap is judged against the schedule's last run.
 */
export class Scheduler {
  private readonly engine: SchedulerEngine;
  private readonly store: ScheduleStore;
  private readonly clock: Clock;
  private readonly graceMs: number;
  private readonly defaultTimezone: string;
  private readonly schedules = new Map<string, ScheduleRecord>();
  private readonly due: ScheduleTimer;
  private listeners: readonly ((event: ScheduleEvent) => void)[] = [];
  private unsubscribe: (() => void) | undefined;
  private started = false;

  constructor(options: SchedulerOptions) {
    this.engine = options.engine;
    this.store = options.store ?? new MemoryScheduleStore();
    this.clock = options.clock ?? systemClock;
    this.graceMs = options.misfireGraceMs ?? DEFAULT_MISFIRE_GRACE_MS;
    this.defaultTimezone = options.defaultTimezone ?? 'UTC';
    const fire = (schedule: ScheduleRecord): void => void this.fire(schedule);
    this.due = options.timer ? options.timer(fire) : new DueTimer(this.clock, fire);
  }

  /**
   * Loads the stored schedules and arms them. A schedule whose stored next run passed while the
   * server was down comes due at once, where the misfire policy decides whether it runs.
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = this.engine.subscribe((event) => {
      if (event.type === 'taskUpdated' && event.stateChanged && FINAL_STATES.includes(event.task.state) && event.task.scheduleId) this.onRunEnded(event.task);
    });
    for (const schedule of this.store.loadAll()) {
      this.schedules.set(schedule.id, schedule);
      if (schedule.enabled && schedule.nextRunAt === null) this.plan(schedule, this.clock.now());
      this.arm(schedule);
      // A queued overlap run whose predecessor ended while we were down.
      if (schedule.runPending && !this.isActive(schedule)) void this.releasePending(schedule);
    }
  }

  /** Stops the timer and stops hearing the engine; schedules stay stored. */
  stop(): void {
    this.due.stop();
    this.unsubscribe?.();
  }

  /** Hears every change until the returned function is called. */
  subscribe(listener: (event: ScheduleEvent) => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((other) => other !== listener);
    };
  }

  /** A schedule came due on this node (a cluster's job scheduler fired it here, and only here). */
  async fireDue(id: string): Promise<void> {
    const schedule = this.schedules.get(id);
    if (schedule) await this.fire(schedule);
  }

  /**
   * Another node changed a schedule (`undefined`: deleted it): take its version and tell this
   * node's listeners. Nothing is stored or armed again here; the node that made the change did.
   */
  applyRemote(id: string, record: ScheduleRecord | undefined): void {
    if (!record) {
      if (this.schedules.delete(id)) this.emit({ type: 'scheduleDeleted', id });
      return;
    }
    const current = this.schedules.get(id);
    if (current) Object.assign(current, record);
    else this.schedules.set(id, record);
    this.emit({ type: 'scheduleUpdated', schedule: this.schedules.get(id)! });
  }

  /** Every schedule, oldest first. */
  list(): Readonly<ScheduleRecord>[] {
    return [...this.schedules.values()];
  }

  get(id: string): Readonly<ScheduleRecord> | undefined {
    return this.schedules.get(id);
  }

  /** Validates and stores a new schedule, and arms it if enabled. */
  create(input: ScheduleInput, defaults: { clientId?: string } = {}): ScheduleResult {
    const now = this.clock.now();
    const draft: ScheduleRecord = {
      id: randomUUID(),
      name: input.name,
      kind: input.kind ?? 'demo',
      parameters: input.parameters ?? {},
      cron: input.cron,
      timezone: input.timezone ?? this.defaultTimezone,
      enabled: input.enabled ?? true,
      overlap: input.overlap ?? 'skip',
      misfire: input.misfire ?? 'runOnce',
      source: 'api',
      clientId: input.clientId ?? defaults.clientId ?? OWNER_SESSION_ID,
      createdAt: now,
      updatedAt: now,
      lastRunAt: null,
      lastTaskId: null,
      lastError: null,
      nextRunAt: null,
      runPending: false,
    };
    const problem = this.validate(draft);
    if (problem) return problem;
    this.plan(draft, now);
    this.commit(draft);
    return { ok: true, value: draft };
  }

  /**
   * Changes a schedule. A file schedule only takes `enabled` (the rest comes from the file). A
   * change of expression, zone or enabled state plans the next run afresh from now.
   */
  update(id: string, patch: Partial<ScheduleInput>): ScheduleResult {
    const schedule = this.schedules.get(id);
    if (!schedule) return notFound(id);
    const changes = editable(patch);
    if (schedule.source === 'file' && Object.keys(changes).some((key) => key !== 'enabled')) {
      return { ok: false, reason: 'read-only', message: `Schedule ${id} comes from the jobs file: change it there (only enabled can be switched here)` };
    }
    const draft: ScheduleRecord = { ...schedule, ...changes, updatedAt: this.clock.now() };
    const problem = this.validate(draft);
    if (problem) return problem;
    const replan = draft.cron !== schedule.cron || draft.timezone !== schedule.timezone || draft.enabled !== schedule.enabled;
    Object.assign(schedule, draft);
    if (replan) this.plan(schedule, this.clock.now());
    this.commit(schedule);
    return { ok: true, value: schedule };
  }

  /** Deletes an API schedule; its past runs stay in the task history. */
  delete(id: string): ScheduleResult {
    const schedule = this.schedules.get(id);
    if (!schedule) return notFound(id);
    if (schedule.source === 'file') return { ok: false, reason: 'read-only', message: `Schedule ${id} comes from the jobs file: remove it there` };
    this.remove(schedule);
    return { ok: true, value: schedule };
  }

  /** Starts a run now, whatever the time and the overlap policy (a person asked for it); the plan is unchanged. */
  async runNow(id: string): Promise<ScheduleResult<{ schedule: ScheduleRecord; task: Readonly<TaskRecord> }>> {
    const schedule = this.schedules.get(id);
    if (!schedule) return notFound(id);
    const outcome = await this.submitRun(schedule);
    if (!outcome.ok) return { ok: false, reason: 'submit-refused', message: outcome.message };
    return { ok: true, value: { schedule, task: outcome.task } };
  }

  /**
   * Brings the file's schedules in step with the jobs file: declared ones are created or updated
   * (cron, zone, parameters, policies; `enabled` stays as the owner last set it), ones no longer
   * declared are deleted. Answers the problems of declarations that were refused, by job.
   */
  syncFromFile(declarations: readonly FileScheduleDeclaration[]): { job: string; message: string }[] {
    const problems: { job: string; message: string }[] = [];
    const seen = new Set<string>();
    const now = this.clock.now();
    for (const declaration of declarations) {
      const id = `file:${declaration.job}`;
      seen.add(id);
      const existing = this.schedules.get(id);
      const draft: ScheduleRecord = {
        ...(existing ?? { id, enabled: true, createdAt: now, lastRunAt: null, lastTaskId: null, lastError: null, nextRunAt: null, runPending: false, clientId: OWNER_SESSION_ID }),
        source: 'file',
        name: declaration.name ?? declaration.job,
        kind: declaration.job,
        parameters: declaration.parameters ?? {},
        cron: declaration.cron,
        timezone: declaration.timezone ?? this.defaultTimezone,
        overlap: declaration.overlap ?? 'skip',
        misfire: declaration.misfire ?? 'runOnce',
        updatedAt: now,
      } as ScheduleRecord;
      const problem = this.validate(draft);
      if (problem) {
        problems.push({ job: declaration.job, message: problem.message });
        continue;
      }
      if (existing && sameDefinition(existing, draft)) continue;
      const replan = !existing || existing.cron !== draft.cron || existing.timezone !== draft.timezone;
      const schedule = existing ? Object.assign(existing, draft) : draft;
      if (replan) this.plan(schedule, now);
      this.commit(schedule);
    }
    for (const schedule of [...this.schedules.values()]) if (schedule.source === 'file' && !seen.has(schedule.id)) this.remove(schedule);
    return problems;
  }

  private validate(draft: ScheduleRecord): ScheduleFailure | undefined {
    if (typeof draft.name !== 'string' || draft.name.trim() === '' || draft.name.length > MAX_SCHEDULE_NAME_LENGTH) {
      return { ok: false, reason: 'invalid-schedule', message: `A schedule needs a name of 1 to ${MAX_SCHEDULE_NAME_LENGTH} characters` };
    }
    if (!OVERLAPS.includes(draft.overlap)) return { ok: false, reason: 'invalid-schedule', message: `overlap must be one of ${OVERLAPS.join(', ')}` };
    if (!MISFIRES.includes(draft.misfire)) return { ok: false, reason: 'invalid-schedule', message: `misfire must be one of ${MISFIRES.join(', ')}` };
    const cron = checkCron(draft.cron, draft.timezone);
    if (!cron.ok) return { ok: false, reason: cron.field === 'cron' ? 'invalid-cron' : 'invalid-timezone', message: cron.message };
    const task = this.engine.check(draft.kind, draft.parameters);
    if (!task.ok) return { ok: false, reason: 'invalid-schedule', message: task.message };
    return undefined;
  }

  /** Sets the next run after `after` (none while disabled). */
  private plan(schedule: ScheduleRecord, after: number): void {
    schedule.nextRunAt = schedule.enabled ? nextRun(schedule.cron, schedule.timezone, after) : null;
  }

  private arm(schedule: ScheduleRecord): void {
    if (schedule.enabled && schedule.nextRunAt !== null) this.due.set(schedule.id, schedule, schedule.nextRunAt);
    else this.due.delete(schedule.id);
  }

  /** Stores, re-arms and announces a schedule. */
  private commit(schedule: ScheduleRecord): void {
    this.schedules.set(schedule.id, schedule);
    this.store.save(schedule);
    this.arm(schedule);
    this.emit({ type: 'scheduleUpdated', schedule });
  }

  private remove(schedule: ScheduleRecord): void {
    this.schedules.delete(schedule.id);
    this.due.delete(schedule.id);
    this.store.delete(schedule.id);
    this.emit({ type: 'scheduleDeleted', id: schedule.id });
  }

  /** A schedule's time has come: misfire, then overlap decide whether a run starts; then the next time is planned. */
  private async fire(schedule: ScheduleRecord): Promise<void> {
    if (this.schedules.get(schedule.id) !== schedule || !schedule.enabled || schedule.nextRunAt === null) return;
    const now = this.clock.now();
    const dueAt = schedule.nextRunAt;
    const missed = now - dueAt > this.graceMs;
    // Plan the next time at once (after now, not after the due time: a downtime of three days is
    // one decision, not 4,320 runs) and arm it, but store it only with the outcome: if the process
    // dies before this run's task is stored, the restart finds this time still due (at least once).
    this.plan(schedule, Math.max(now, dueAt));
    this.arm(schedule);
    if (missed && schedule.misfire === 'skip') return this.commit(schedule);
    if (this.isActive(schedule) && schedule.overlap !== 'allow') {
      if (schedule.overlap === 'queue') schedule.runPending = true; // one waits, however many came due
      return this.commit(schedule);
    }
    await this.submitRun(schedule); // stores and announces the schedule once the task is stored
  }

  private isActive(schedule: ScheduleRecord): boolean {
    if (schedule.lastTaskId === null) return false;
    const task = this.engine.get(schedule.lastTaskId);
    return task !== undefined && ACTIVE.has(task.state);
  }

  private onRunEnded(task: Readonly<TaskRecord>): void {
    const schedule = this.schedules.get(task.scheduleId!);
    if (schedule && schedule.lastTaskId === task.id && schedule.runPending) void this.releasePending(schedule);
  }

  private async releasePending(schedule: ScheduleRecord): Promise<void> {
    schedule.runPending = false;
    await this.submitRun(schedule);
  }

  private async submitRun(schedule: ScheduleRecord): Promise<SubmitResult> {
    const outcome = await this.engine.submit({ name: schedule.name, clientId: schedule.clientId, kind: schedule.kind, parameters: { ...schedule.parameters }, scheduleId: schedule.id });
    if (this.schedules.get(schedule.id) !== schedule) return outcome; // deleted meanwhile
    if (outcome.ok) {
      schedule.lastRunAt = this.clock.now();
      schedule.lastTaskId = outcome.task.id;
      schedule.lastError = null;
    } else {
      schedule.lastError = outcome.message;
    }
    this.commit(schedule);
    return outcome;
  }

  private emit(event: ScheduleEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A faulty listener must not break the scheduler.
      }
    }
  }
}

function notFound(id: string): { ok: false; reason: 'not-found'; message: string } {
  return { ok: false, reason: 'not-found', message: `No schedule with id ${id}` };
}

const EDITABLE: readonly (keyof ScheduleInput)[] = ['name', 'kind', 'parameters', 'cron', 'timezone', 'enabled', 'overlap', 'misfire', 'clientId'];

/** The fields of a patch a caller may change (never id, source or times), without those set to undefined. */
function editable(patch: Partial<ScheduleInput>): Partial<ScheduleInput> {
  return Object.fromEntries(EDITABLE.filter((key) => patch[key] !== undefined).map((key) => [key, patch[key]])) as Partial<ScheduleInput>;
}

function sameDefinition(a: ScheduleRecord, b: ScheduleRecord): boolean {
  return (
    a.source === b.source &&
    a.name === b.name &&
    a.kind === b.kind &&
    a.cron === b.cron &&
    a.timezone === b.timezone &&
    a.overlap === b.overlap &&
    a.misfire === b.misfire &&
    JSON.stringify(a.parameters) === JSON.stringify(b.parameters)
  );
}
