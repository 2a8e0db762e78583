/** The schedule form: its values, its checks before sending, and the body it sends. */
import { DEMO_STEPS, DURATION_LIMITS, type MisfirePolicy, type OverlapPolicy, type ScheduleDto, type ScheduleInput } from '../protocol.js';
import { MAX_NAME_LENGTH } from '../tasks/task-form.js';

/** Raw values as the inputs give them. */
export interface ScheduleFormValues {
  name: string;
  /** `demo`, or a job of the owner's jobs file. */
  kind: string;
  cron: string;
  timezone: string;
  overlap: OverlapPolicy;
  misfire: MisfirePolicy;
  enabled: boolean;
  /** `demo` only: ms, as in the task form. */
  duration: string | number | null;
  /** `demo` only: `''` for never, else a step 1-10. */
  failAtStep: string;
  /** Any other kind: the parameters as JSON text (the server checks them against the job's schema). */
  parametersJson: string;
}

/** Per-field messages; a field without one is valid. */
export type ScheduleFormErrors = Partial<Record<keyof ScheduleFormValues, string>>;

/** The result of {@link validateScheduleForm}: a body to send, or messages to show. */
export type ScheduleFormResult = { ok: true; input: ScheduleInput } | { ok: false; errors: ScheduleFormErrors };

/** The overlap choices, each with a short explanation for the form. */
export const OVERLAP_CHOICES: readonly { value: OverlapPolicy; label: string; help: string }[] = [
  { value: 'skip', label: 'Skip', help: 'No new run while the last one is still waiting or running.' },
  { value: 'queue', label: 'Queue one', help: 'One run waits and starts as soon as the last one ends.' },
  { value: 'allow', label: 'Allow', help: 'Start a new run anyway, side by side with the last one.' },
];

/** The misfire choices, each with a short explanation. */
export const MISFIRE_CHOICES: readonly { value: MisfirePolicy; label: string; help: string }[] = [
  { value: 'runOnce', label: 'Run once', help: 'After downtime, one catch-up run for all the times missed.' },
  { value: 'skip', label: 'Skip', help: 'After downtime, wait for the next time; missed runs are dropped.' },
];

/** Explanation of a choice, for the text under its select. */
export function choiceHelp<T extends string>(choices: readonly { value: T; help: string }[], value: T): string {
  return choices.find((choice) => choice.value === value)?.help ?? '';
}

/** The time zone of the browser (a good default for a new schedule), else UTC. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Values of an empty form. */
export function emptyScheduleForm(timezone = 'UTC'): ScheduleFormValues {
  return {
    name: '',
    kind: 'demo',
    cron: '0 3 * * *',
    timezone,
    overlap: 'skip',
    misfire: 'runOnce',
    enabled: true,
    duration: String(DURATION_LIMITS.default),
    failAtStep: '',
    parametersJson: '{}',
  };
}

/** The form's values for editing an existing schedule. */
export function scheduleFormOf(schedule: ScheduleDto): ScheduleFormValues {
  const { duration, failAtStep } = schedule.parameters;
  return {
    name: schedule.name,
    kind: schedule.kind,
    cron: schedule.cron,
    timezone: schedule.timezone,
    overlap: schedule.overlap,
    misfire: schedule.misfire,
    enabled: schedule.enabled,
    duration: typeof duration === 'number' ? String(duration) : String(DURATION_LIMITS.default),
    failAtStep: typeof failAtStep === 'number' ? String(failAtStep) : '',
    parametersJson: JSON.stringify(schedule.parameters, null, 2),
  };
}

/** The demo kind's parameters from the form, or a message per bad field. */
function demoParameters(values: ScheduleFormValues, errors: ScheduleFormErrors): Record<string, unknown> {
  const text = values.duration === null ? '' : String(values.duration).trim();
  const duration = Number(text);
  const range = `${DURATION_LIMITS.min} to ${DURATION_LIMITS.max} ms`;
  if (text === '' || !Number.isInteger(duration) || duration < DURATION_LIMITS.min || duration > DURATION_LIMITS.max) {
    errors.duration = `Enter a whole number of milliseconds from ${range}.`;
  }
  const parameters: Record<string, unknown> = { duration };
  if (values.failAtStep.trim() !== '') {
    const step = Number(values.failAtStep);
    if (!Number.isInteger(step) || step < 1 || step > DEMO_STEPS) errors.failAtStep = `Choose a step from 1 to ${DEMO_STEPS}.`;
    else parameters['failAtStep'] = step;
  }
  return parameters;
}

/** Another kind's parameters: a JSON object, or a message. */
function jsonParameters(values: ScheduleFormValues, errors: ScheduleFormErrors): Record<string, unknown> {
  const text = values.parametersJson.trim() === '' ? '{}' : values.parametersJson;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    errors.parametersJson = 'Write the parameters as a JSON object, e.g. {"path": "/tmp"}.';
  } catch (error) {
    errors.parametersJson = `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  return {};
}

/**
 * Checks what the browser can check (a name, an expression, a zone, the demo's numbers, JSON) and
 * builds the body. Whether the expression and zone are valid, and whether a job takes the
 * parameters, the server decides: its messages show at the fields.
 */
export function validateScheduleForm(values: ScheduleFormValues): ScheduleFormResult {
  const errors: ScheduleFormErrors = {};
  const name = values.name.trim();
  if (name === '') errors.name = 'Enter a name (each run is a task with this name).';
  else if (name.length > MAX_NAME_LENGTH) errors.name = `Use at most ${MAX_NAME_LENGTH} characters (now ${name.length}).`;
  const cron = values.cron.trim().replace(/\s+/g, ' ');
  if (cron === '') errors.cron = 'Enter a cron expression, e.g. 0 3 * * * (03:00 every day).';
  const timezone = values.timezone.trim();
  if (timezone === '') errors.timezone = 'Enter an IANA time zone, e.g. Europe/Berlin or UTC.';
  const kind = values.kind.trim() || 'demo';
  const parameters = kind === 'demo' ? demoParameters(values, errors) : jsonParameters(values, errors);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input: { name, kind, parameters, cron, timezone, overlap: values.overlap, misfire: values.misfire, enabled: values.enabled } };
}

/** Which field a server refusal belongs to, from its error code (`INVALID_CRON`, …). */
export function fieldOfRefusal(code: string | null): keyof ScheduleFormValues | null {
  switch (code) {
    case 'INVALID_CRON':
      return 'cron';
    case 'INVALID_TIMEZONE':
      return 'timezone';
    default:
      return null;
  }
}
