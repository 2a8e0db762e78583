/** The "start a task" form: its values, validation and the request it sends. */
import { DEMO_STEPS, DURATION_LIMITS, type StartTaskRequest } from '../protocol.js';

/** Raw form values as the inputs give them. */
export interface TaskFormValues {
  name: string;
  /** A number input bound with `bind:value` gives a number, or null when empty or unparsable. */
  duration: string | number | null;
  /** `''` for "never", else a step number 1-10. */
  failAtStep: string;
}

/** Per-field error messages; a field without a message is valid. */
export type TaskFormErrors = Partial<Record<keyof TaskFormValues, string>>;

/** Longest accepted task name. */
export const MAX_NAME_LENGTH = 200;

/** The result of {@link validateTaskForm}: either a request to send, or messages to show. */
export type TaskFormResult = { ok: true; request: Omit<StartTaskRequest, 'clientId'> } | { ok: false; errors: TaskFormErrors };

/** Validates the form; on success returns the request body (without `clientId`). */
export function validateTaskForm(values: TaskFormValues): TaskFormResult {
  const errors: TaskFormErrors = {};
  const name = values.name.trim();
  if (name === '') errors.name = 'Enter a task name.';
  else if (name.length > MAX_NAME_LENGTH) errors.name = `Use at most ${MAX_NAME_LENGTH} characters (now ${name.length}).`;

  const durationText = values.duration === null ? '' : String(values.duration).trim();
  const duration = Number(durationText);
  const range = `${DURATION_LIMITS.min} to ${DURATION_LIMITS.max} ms`;
  if (durationText === '') errors.duration = `Enter a duration from ${range}.`;
  else if (!Number.isFinite(duration) || !Number.isInteger(duration)) errors.duration = `Enter a whole number of milliseconds (${range}).`;
  else if (duration < DURATION_LIMITS.min || duration > DURATION_LIMITS.max) errors.duration = `Duration must be from ${range}.`;

  let failAtStep: number | null = null;
  if (values.failAtStep.trim() !== '') {
    const step = Number(values.failAtStep);
    if (!Number.isInteger(step) || step < 1 || step > DEMO_STEPS) errors.failAtStep = `Choose a step from 1 to ${DEMO_STEPS}.`;
    else failAtStep = step;
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    request: { name, duration, ...(failAtStep === null ? {} : { parameters: { failAtStep } }) },
  };
}
