import type { JobAudience, TaskLogLevel } from '../protocol/messages.js';

/**
 * The small typed API through which task kinds are registered: a kind validates its parameters,
 * then runs with a context through which it reports progress and observes cancellation.
 */

/** What a running handler gets from the engine. */
export interface TaskContext<P> {
  readonly taskId: string;
  readonly name: string;
  readonly parameters: P;
  /** Aborted when the task is cancelled or the engine shuts down; handlers must stop promptly. */
  readonly signal: AbortSignal;
  /** 1 for the first run; a retry after a failure or an interruption has a higher number. */
  readonly attempt: number;
  /**
   * Reports progress (0-100, clamped) with an optional human-readable step text.
   * Cheap to call often: the engine forwards each report as one event.
   */
  report(progress: number, message?: string): void;
  /**
   * Adds a line to the task's log (stored with the task, streamed to the clients that watch it).
   * Cheap; a very chatty task keeps the head and the tail of its log (see docs/jobs.md).
   */
  log(message: string, level?: TaskLogLevel): void;
  /** A line a program wrote on stdout or stderr: for runners of external programs. */
  output(stream: 'stdout' | 'stderr', text: string): void;
}

/** A registered kind of task. */
export interface TaskKind<P = Record<string, unknown>> {
  readonly name: string;
  /**
   * Turns untrusted parameters into typed ones, or throws {@link TaskParameterError} with a
   * message a person can act on. Runs at submit time, so bad input is refused before it is queued.
   */
  parse(parameters: Record<string, unknown>): P;
  /** Does the work; the returned value becomes the task's result (strings as is, else JSON). */
  run(context: TaskContext<P>): Promise<unknown>;
  /**
   * Runs allowed before a failure is final, the first included. Between runs the task waits an
   * exponential backoff. Default 1: a failure is final at once.
   */
  maxAttempts?: number;
  /** Backoff before retry n: `baseMs * 2^(n-1)`, capped at `maxMs`. Default 1 s, 30 s. */
  backoff?: { baseMs: number; maxMs: number };
  /**
   * A task found running after a crash: `rerun` queues it again (delivery is at least once, so a
   * handler must tolerate running twice), `fail` ends it Failed with an "interrupted" error.
   * Default `rerun`.
   */
  onInterrupted?: 'rerun' | 'fail';
  /** A short human title (lists and forms); default the name. */
  title?: string;
  description?: string;
  /** JSON Schema (type object) of the parameters, so a UI can render a form and lists can show it. */
  parameterSchema?: Record<string, unknown>;
  /** Who may start it; default both. Enforced by the server at submit. */
  allow?: readonly JobAudience[];
  /** Set for kinds made from the owner's jobs file: their tasks carry `job` = the kind's name. */
  job?: boolean;
  /** At most this many tasks of the kind run at once (others wait, queued, with a `waitReason`). Default: no own limit. */
  concurrency?: number;
  /** At most `max` tasks of the kind start in any window of `perMs` ms. Default: no limit. */
  rateLimit?: { max: number; perMs: number };
}

/** Thrown by {@link TaskKind.parse} for parameters a person must fix. */
export class TaskParameterError extends Error {
  readonly code = 'ERR_TASK_PARAMETERS';
  constructor(message: string) {
    super(message);
    this.name = 'TaskParameterError';
  }
}

/** Identity helper that gives a kind literal its types. */
export function defineTaskKind<P>(kind: TaskKind<P>): TaskKind<P> {
  return kind;
}
