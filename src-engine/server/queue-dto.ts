import type { TaskService } from '../engine/task-service.js';
import type { QueueStateDto } from '../protocol/schedules.js';

/**
 * The queue's state: the pause switches, and per kind its limits, running tasks and waiting
 * tasks (every registered kind, and any paused kind not registered, e.g. a job removed from the
 * file). Scans the engine's tasks once: an owner's request, not a hot path.
 */
export function queueState(engine: TaskService): QueueStateDto {
  const gate = engine.queueControl;
  const counts = new Map<string, { running: number; queued: number }>();
  for (const name of [...engine.kindNames(), ...gate.pausedKindNames]) counts.set(name, { running: 0, queued: 0 });
  for (const task of engine.list().items) {
    if (task.state !== 'queued' && task.state !== 'running') continue;
    const entry = counts.get(task.kind) ?? { running: 0, queued: 0 };
    entry[task.state]++;
    counts.set(task.kind, entry);
  }
  const kinds = [...counts].map(([kind, { running, queued }]) => {
    const definition = engine.kindOf(kind);
    return {
      kind,
      paused: gate.isKindPaused(kind),
      concurrency: definition?.concurrency ?? null,
      rateLimit: definition?.rateLimit ? { ...definition.rateLimit } : null,
      running,
      queued,
    };
  });
  return { paused: gate.paused, kinds: kinds.sort((a, b) => a.kind.localeCompare(b.kind)) };
}
