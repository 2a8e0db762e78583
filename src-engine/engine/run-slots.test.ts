import { describe, expect, it } from 'vitest';
import { EngineRun } from './engine-run.js';
import { RunSlots } from './run-slots.js';
import type { TaskRecord } from './task-record.js';

const runOf = (id: string): EngineRun => new EngineRun({ id } as TaskRecord);

describe('RunSlots', () => {
  it('finds a held run by its task id until it is removed', () => {
    const slots = new RunSlots();
    const a = runOf('a');
    const b = runOf('b');
    slots.add(a);
    slots.add(b);
    expect(slots.get('a')).toBe(a);
    expect(slots.get('b')).toBe(b);
    slots.remove(a);
    expect(slots.get('a')).toBeUndefined();
    expect(slots.get('b')).toBe(b);
    expect(slots.size).toBe(1);
  });

  it('keeps every other run findable whichever slot is freed (the last run moves into it)', () => {
    const slots = new RunSlots();
    const runs = ['a', 'b', 'c', 'd', 'e'].map(runOf);
    for (const run of runs) slots.add(run);
    for (const gone of [runs[1]!, runs[4]!, runs[0]!]) slots.remove(gone);
    expect(slots.snapshot().map((run) => run.task.id).sort()).toEqual(['c', 'd']);
    expect(slots.get('c')).toBe(runs[2]);
    expect(slots.get('d')).toBe(runs[3]);
    slots.remove(runs[3]!);
    slots.remove(runs[2]!);
    expect(slots.size).toBe(0);
  });

  it('ignores removing a run twice or one never held', () => {
    const slots = new RunSlots();
    const a = runOf('a');
    const b = runOf('b');
    slots.add(a);
    slots.add(b);
    slots.remove(a);
    slots.remove(a);
    slots.remove(runOf('stranger'));
    expect(slots.snapshot()).toEqual([b]);
  });

  it('hands out a copy: aborting runs while walking it cannot skip one', () => {
    const slots = new RunSlots();
    const runs = ['a', 'b', 'c'].map(runOf);
    for (const run of runs) slots.add(run);
    const seen: string[] = [];
    for (const run of slots.snapshot()) {
      seen.push(run.task.id);
      slots.remove(run);
    }
    expect(seen).toEqual(['a', 'b', 'c']);
  });
});
