import type { TaskLogLevel } from '../protocol/messages.js';
import type { TaskContext } from './task-kind.js';
import type { TaskRecord } from './task-record.js';

/** A settled promise shared by fast paths, so that "already done" allocates nothing. */
export const RESOLVED: Promise<void> = Promise.resolve();

/** What run contexts call back into: one object per engine, instead of two closures per run. */
export interface RunHooks {
  report(task: TaskRecord, control: RunControl, progress: number, message?: string): void;
  write(task: TaskRecord, stream: 'stdout' | 'stderr' | 'log', text: string, level?: TaskLogLevel): void;
}

/** What a handler gets: `signal` is made on first read (see {@link RunControl}), `report` too. */
export class RunContext implements TaskContext<any> {
  readonly taskId: string;
  readonly name: string;
  readonly parameters: any;
  readonly attempt: number;
  readonly #task: TaskRecord;
  readonly #control: RunControl;
  readonly #hooks: RunHooks;
  #report: ((progress: number, message?: string) => void) | undefined;
  constructor(task: TaskRecord, control: RunControl, hooks: RunHooks) {
    this.taskId = task.id;
    this.name = task.name;
    this.parameters = task.parameters;
    this.attempt = task.attempt;
    this.#task = task;
    this.#control = control;
    this.#hooks = hooks;
  }
  get signal(): AbortSignal {
    return this.#control.signal;
  }
  // Getters that hand out bound functions, because handlers destructure them (`run({ log })`);
  // made on use only, so a run that never reports or logs allocates nothing for it. `report` is
  // kept once made: handlers that call `context.report(...)` in a loop read it every time.
  get report(): (progress: number, message?: string) => void {
    return (this.#report ??= (progress, message) => this.#hooks.report(this.#task, this.#control, progress, message));
  }
  get log(): (message: string, level?: TaskLogLevel) => void {
    return (message, level) => this.#hooks.write(this.#task, 'log', String(message), level ?? 'info');
  }
  get output(): (stream: 'stdout' | 'stderr', text: string) => void {
    return (stream, text) => this.#hooks.write(this.#task, stream, text);
  }
}

/**
 * Cancellation and completion of one run. The AbortController (costly to make: an EventTarget)
 * is only made when the handler reads `signal`; until then an abort is a flag and a reason.
 */
export class RunControl {
  aborted = false;
  /** `Running` has been announced (ticks may go out). */
  announced = false;
  /** Ticks reported before `Running` was announced, as snapshots. */
  held: TaskRecord[] | undefined = undefined;
  reason: unknown = undefined;
  private controller: AbortController | undefined;
  private donePromise: Promise<void> | undefined;
  private resolveDone: (() => void) | undefined;
  private settled = false;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Settles once the run has ended (its final state announced, or a retry scheduled). */
  get done(): Promise<void> {
    if (this.settled) return RESOLVED;
    return (this.donePromise ??= new Promise<void>((resolve) => (this.resolveDone = resolve)));
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }

  settle(): void {
    this.settled = true;
    this.resolveDone?.();
  }
}
