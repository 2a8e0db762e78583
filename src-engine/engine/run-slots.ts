import type { EngineRun } from './engine-run.js';

/**
 * The runs whose handlers are running (at most the engine's concurrency), in a plain array.
 * A Map of them filled and drained with every task: V8 shrinks a Map's table when a delete leaves
 * it less than a quarter full and grows it at the next set, each a runtime call that allocates a
 * new table, ~1 µs per task in profiles of POST /api/task/start. Each run knows its slot, so
 * adding and removing are O(1); finding a run by its task's id (a cancel) scans the few slots.
 */
export class RunSlots {
  private readonly runs: EngineRun[] = [];

  /** Holds `run` until {@link remove}. */
  add(run: EngineRun): void {
    run.slot = this.runs.length;
    this.runs.push(run);
  }

  /** Lets `run` go (the last run moves into its slot). A run not held is ignored. */
  remove(run: EngineRun): void {
    const slot = run.slot;
    if (slot < 0 || this.runs[slot] !== run) return;
    const last = this.runs.pop()!;
    if (last !== run) {
      this.runs[slot] = last;
      last.slot = slot;
    }
    run.slot = -1;
  }

  /** The run of the task with this id, if its handler is running. */
  get(taskId: string): EngineRun | undefined {
    for (const run of this.runs) if (run.task.id === taskId) return run;
    return undefined;
  }

  /** The runs held now (a copy: aborting them may let some go). */
  snapshot(): EngineRun[] {
    return [...this.runs];
  }

  get size(): number {
    return this.runs.length;
  }
}
