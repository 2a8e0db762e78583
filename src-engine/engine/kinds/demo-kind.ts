import { DEMO_DURATION } from '../../protocol/messages.js';
import { defineTaskKind, TaskParameterError } from '../task-kind.js';
import { abortableDelay } from '../abortable-delay.js';

/** Parameters of the built-in `demo` kind. */
export interface DemoParameters {
  /** Total run time in ms, cut into {@link DEMO_STEPS} equal steps. */
  duration: number;
  /** When set, the task fails during this step (1-10), for the seed's failure scenario. */
  failAtStep: number | null;
}

/** The original cut every task into ten steps. */
export const DEMO_STEPS = 10;

/**
 * The original service's only kind, reproduced exactly (PROTOCOL.md, "A task's life"): ten
 * equal steps reported as `Processing step i/10` with progress i*10, then a result that names
 * the task and the UTC completion time.
 */
export const demoKind = defineTaskKind<DemoParameters>({
  name: 'demo',
  parse(parameters) {
    return { duration: parseDuration(parameters['duration']), failAtStep: parseFailAtStep(parameters['failAtStep']) };
  },
  async run({ name, parameters, signal, report }) {
    const stepMs = parameters.duration / DEMO_STEPS;
    for (let step = 1; step <= DEMO_STEPS; step++) {
      await abortableDelay(stepMs, signal);
      if (parameters.failAtStep === step) {
        throw new Error(`Simulated failure at step ${step}/${DEMO_STEPS}`);
      }
      report(step * DEMO_STEPS, `Processing step ${step}/${DEMO_STEPS}`);
    }
    return `Task '${name}' completed successfully at ${formatUtc(new Date())}`;
  },
});

function parseDuration(value: unknown): number {
  if (value === undefined || value === null) return DEMO_DURATION.default;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TaskParameterError(`Duration must be a whole number of milliseconds between ${DEMO_DURATION.min} and ${DEMO_DURATION.max}`);
  }
  if (value < DEMO_DURATION.min || value > DEMO_DURATION.max) {
    throw new TaskParameterError(`Duration must be between ${DEMO_DURATION.min} and ${DEMO_DURATION.max} ms (got ${value})`);
  }
  return value;
}

function parseFailAtStep(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > DEMO_STEPS) {
    throw new TaskParameterError(`failAtStep must be a whole number from 1 to ${DEMO_STEPS}`);
  }
  return value;
}

/** `yyyy-MM-dd HH:mm:ss` in UTC, the format of the original's result text. */
export function formatUtc(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
