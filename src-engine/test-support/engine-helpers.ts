import type { TaskService } from '../engine/task-service.js';
import { defineTaskKind, type TaskKind } from '../engine/task-kind.js';

/** Polls until `condition` holds, failing after ~2 s with a clear message. */
export async function until(condition: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  if (!condition()) throw new Error(`${what} never became true`);
}

/** A task kind whose runs a test finishes by hand, to control timing exactly. */
export function gatedKind(name = 'gated', extra: Partial<TaskKind<Record<string, unknown>>> = {}) {
  const gates = new Map<string, { finish: (value?: unknown) => void; fail: (error: Error) => void; signal: AbortSignal }>();
  const started: string[] = [];
  const kind = defineTaskKind<Record<string, unknown>>({
    name,
    parse: (parameters) => parameters,
    run: ({ taskId, signal, report }) =>
      new Promise((resolve, reject) => {
        started.push(taskId);
        gates.set(taskId, { finish: resolve, fail: reject, signal });
        signal.addEventListener('abort', () => reject(signal.reason));
        report(50, 'half way');
      }),
    ...extra,
  });
  return { kind, gates, started };
}

/** Submits a task of `kind` for session `c` and answers its id; a refusal fails the test with its reason. */
export async function submitted(engine: TaskService, kind: string, extra: { maxAttempts?: number; priority?: number } = {}): Promise<string> {
  const outcome = await engine.submit({ name: 'job', clientId: 'c', kind, ...extra });
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.task.id;
}
