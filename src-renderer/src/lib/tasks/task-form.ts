/** The "start a task" form: its values, validation and the request it sends. */
import { DEMO_STEPS, DURATION_LIMITS, type StartTaskRequest } from '../protocol.js';

/** Raw form values as the inputs give them. */
export interface TaskFormValues {
  name: string;
  /** A number input bound with `bind:value` gives a number, or null when empty or unparsable. */
  duration: string | number | null;
  /** `''` for "never", else a step number 1-10. */
  failAtStep: string;
  /** Higher runs first, -10 to 10; blank means 0. Number inputs give numbers, as for `duration`. */
  priority?: string | number | null;
  /** Runs allowed before a failure is final, 1 to 10; blank means the kind's default. */
  maxAttempts?: string | number | null;
}

/** Per-field error messages; a field without a message is valid. */
export type TaskFormErrors = Partial<Record<keyof TaskFormValues, string>>;

/** Longest accepted task name. */
export const MAX_NAME_LENGTH = 200;

/** Priorities the server accepts (higher runs first). */
export const PRIORITY_LIMITS = { min: -10, max: 10 } as const;

/** Attempts the server accepts per task (mirrors the engine's `MAX_ATTEMPTS_LIMIT`). */
export const ATTEMPT_LIMITS = { min: 1, max: 10 } as const;

/** A whole number from a form field: `null` when blank, `NaN` when not a whole number. */
function wholeNumber(value: string | number | null | undefined): number | null {
  const text = value === null || value === undefined ? '' : String(value).trim();
  if (text === '') return null;
  const n = Number(text);
  return Number.isInteger(n) ? n : Number.NaN;
}

/** The result of {@link validateTaskForm}: either a request to send, or messages to show. */
export type TaskFormResult = { ok: true; request: Omit<StartTaskRequest, 'clientId'> } | { ok: false; errors: TaskFormErrors };

/**
 * Validates the form; on success returns the request body (without `clientId`). For a job
 * (`job` given) the demo's duration and simulated failure do not apply: the request names the
 * job, and its parameters come from the job's own form (`jobs/job-form.ts`).
 */
export function validateTaskForm(values: TaskFormValues, job: string | null = null): TaskFormResult {
  const errors: TaskFormErrors = {};
  const name = values.name.trim();
  if (name === '') errors.name = 'Enter a task name.';
  else if (name.length > MAX_NAME_LENGTH) errors.name = `Use at most ${MAX_NAME_LENGTH} characters (now ${name.length}).`;

  const durationText = values.duration === null ? '' : String(values.duration).trim();
  const duration = Number(durationText);
  const range = `${DURATION_LIMITS.min} to ${DURATION_LIMITS.max} ms`;
  if (job !== null) {
    // A job has no duration to check.
  } else if (durationText === '') errors.duration = `Enter a duration from ${range}.`;
  else if (!Number.isFinite(duration) || !Number.isInteger(duration)) errors.duration = `Enter a whole number of milliseconds (${range}).`;
  else if (duration < DURATION_LIMITS.min || duration > DURATION_LIMITS.max) errors.duration = `Duration must be from ${range}.`;

  let failAtStep: number | null = null;
  if (job === null && values.failAtStep.trim() !== '') {
    const step = Number(values.failAtStep);
    if (!Number.isInteger(step) || step < 1 || step > DEMO_STEPS) errors.failAtStep = `Choose a step from 1 to ${DEMO_STEPS}.`;
    else failAtStep = step;
  }

  const priority = wholeNumber(values.priority);
  if (priority !== null && !(priority >= PRIORITY_LIMITS.min && priority <= PRIORITY_LIMITS.max)) {
    errors.priority = `Enter a whole number from ${PRIORITY_LIMITS.min} to ${PRIORITY_LIMITS.max}.`;
  }
  const maxAttempts = wholeNumber(values.maxAttempts);
  if (maxAttempts !== null && !(maxAttempts >= ATTEMPT_LIMITS.min && maxAttempts <= ATTEMPT_LIMITS.max)) {
    errors.maxAttempts = `Enter a whole number from ${ATTEMPT_LIMITS.min} to ${ATTEMPT_LIMITS.max}.`;
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  if (job !== null) {
    return {
      ok: true,
      request: { name, job, ...(priority === null || priority === 0 ? {} : { priority }), ...(maxAttempts === null ? {} : { maxAttempts }) },
    };
  }
  return {
    ok: true,
    request: {
      name,
      duration,
      ...(failAtStep === null ? {} : { parameters: { failAtStep } }),
      ...(priority === null || priority === 0 ? {} : { priority }),
      ...(maxAttempts === null ? {} : { maxAttempts }),
    },
  };
}
