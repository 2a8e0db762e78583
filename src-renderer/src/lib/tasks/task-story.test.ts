import { describe, expect, it } from 'vitest';
import { appendChange, attemptsOf, readStory, type StoryEntry } from './task-story.js';
import { running, task } from './test-tasks.js';

const entry = (state: StoryEntry['state'], attempt: number, s: number, error: string | null = null): StoryEntry => ({
  at: new Date(Date.UTC(2026, 11, 2, 0, 0, s)).toISOString(),
  state,
  status: state,
  attempt,
  error,
  retryAt: null,
});

describe('the task story', () => {
  it('reads the history answer, skipping malformed entries', () => {
    const story = readStory({ task: running('a', 10), history: [entry('queued', 1, 0), { state: 'bogus' }], complete: true });
    expect(story?.history).toHaveLength(1);
    expect(story?.complete).toBe(true);
    expect(readStory({ history: [] })).toBeNull();
  });

  it('adds live state changes once, and no progress ticks', () => {
    const queued = task({ id: 'a' });
    const run = running('a', 10);
    let history: readonly StoryEntry[] = [entry('queued', 1, 0)];
    history = appendChange(history, queued, run, 'T1');
    expect(history.map((e) => e.state)).toEqual(['queued', 'running']);
    expect(appendChange(history, run, running('a', 20), 'T2')).toBe(history);
    expect(appendChange(history, queued, run, 'T3')).toBe(history);
  });

  it('tells the attempts: a failed run retried, then one that completes; a cancel while queued', () => {
    const attempts = attemptsOf([entry('queued', 1, 0), entry('running', 1, 1), entry('queued', 2, 3, 'broke'), entry('running', 2, 5), entry('completed', 2, 7)]);
    expect(attempts).toEqual([
      { attempt: 1, startedAt: entry('running', 1, 1).at, endedAt: entry('queued', 2, 3).at, outcome: 'retrying', error: 'broke' },
      { attempt: 2, startedAt: entry('running', 2, 5).at, endedAt: entry('completed', 2, 7).at, outcome: 'completed', error: null },
    ]);
    expect(attemptsOf([entry('queued', 1, 0), entry('cancelled', 1, 2, 'Cancelled by request')])).toEqual([
      { attempt: 1, startedAt: null, endedAt: entry('cancelled', 1, 2).at, outcome: 'cancelled', error: 'Cancelled by request' },
    ]);
    expect(attemptsOf([entry('queued', 1, 0), entry('running', 1, 1)])[0]).toMatchObject({ outcome: 'running', endedAt: null });
  });
});
