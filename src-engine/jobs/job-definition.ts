import type { JobAudience } from '../protocol/messages.js';

/** One parameter of a job, as written in the jobs file. */
export interface JobParameter {
  type: 'string' | 'number' | 'integer' | 'boolean';
  title?: string;
  description?: string;
  default?: string | number | boolean;
  required?: boolean;
  enum?: Array<string | number | boolean>;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

/** A job's schedule, as written (run by the scheduler). */
export interface JobSchedule {
  cron: string;
  timezone?: string;
  parameters?: Record<string, unknown>;
  overlap?: 'skip' | 'queue' | 'allow';
  misfire?: 'runOnce' | 'skip';
  enabled?: boolean;
}

/** A job of the jobs file, checked, with paths resolved. */
export interface JobDefinition {
  readonly id: string;
  readonly title: string;
  readonly description: string | null;
  readonly command: readonly string[] | null;
  /** As written in the file. */
  readonly module: string | null;
  /** Absolute path of the module. */
  readonly modulePath: string | null;
  /** As written in the file. */
  readonly cwd: string | null;
  /** Absolute working folder (default: the jobs file's folder). */
  readonly resolvedCwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly parameters: Readonly<Record<string, JobParameter>>;
  readonly timeoutMs: number | null;
  readonly killGraceMs: number;
  readonly maxAttempts: number;
  readonly concurrency: number | null;
  readonly rateLimit: { max: number; perMs: number } | null;
  readonly onInterrupted: 'rerun' | 'fail' | null;
  readonly allow: readonly JobAudience[];
  readonly progressPattern: RegExp | null;
  readonly schedule: JobSchedule | null;
}

/** Default time between SIGTERM and SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 5000;
