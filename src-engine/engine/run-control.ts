import type { TaskLogLevel } from '../protocol/messages.js';
import type { TaskContext } from './task-kind.js';
import type { TaskRecord } from './task-record.js';

/** A settled promise shared by fast paths, so that "already done" allocates nothing. */
export const RESOLVED: Promise<void> = Promise.resolve();

/** What a handler gets: `signal` is made on first read (see {@link RunControl}). */
export class RunContext implements TaskContext<any> {
  readonly taskId: string;
  readonly name: string;
  readonly parameters: any;
  readonly attempt: number;
  readonly #control: RunControl;
  constructor(
    task: TaskRecord,
    control: RunControl,
    readonly report: (progress: number, message?: string) => void,
    private readonly write: (stream: 'stdout' | 'stderr' | 'log', text: string, level?: TaskLogLevel) => void,
  ) {
    this.taskId = task.id;
    this.name = task.name;
    this.parameters = task.parameters;
    this.attempt = task.attempt;
    this.#control = control;
  }
  get signal(): AbortSignal {
    return this.#control.signal;
  }
  // Getters that hand out bound functions, because handlers destructure them (`run({ log })`);
  // made on use only, so a run that never logs allocates nothing for it.
  get log(): (message: string, level?: TaskLogLevel) => void {
    return (message, level) => this.write('log', String(message), level ?? 'info');
  }
  get output(): (stream: 'stdout' | 'stderr', text: string) => void {
    return (stream, text) => this.write(stream, text);
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
