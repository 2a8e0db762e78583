import { describe, expect, it } from 'vitest';
import { OrderedWrites } from './ordered-writes.js';

describe('OrderedWrites', () => {
  it('runs ticks and state changes one at a time, in the order they were made', async () => {
    const writes = new OrderedWrites();
    const done: string[] = [];
    const slow = (name: string, ms: number) => () => new Promise<void>((resolve) => setTimeout(() => (done.push(name), resolve()), ms));
    writes.tick(slow('tick 1', 20));
    writes.tick(slow('tick 2', 1));
    await writes.change(slow('completed', 1));
    expect(done).toEqual(['tick 1', 'tick 2', 'completed']);
  });

  it('merges excess ticks into the latest while Redis is slow, but never drops a state change', async () => {
    const writes = new OrderedWrites(2);
    const done: number[] = [];
    let release!: () => void;
    writes.tick(() => new Promise<void>((resolve) => (release = () => (done.push(0), resolve()))));
    for (let i = 1; i <= 10; i++) writes.tick(async () => void done.push(i));
    const final = writes.change(async () => void done.push(99));
    await new Promise((resolve) => setTimeout(resolve, 0));
    release();
    await final;
    // Tick 0 was in flight; the last queued one (tick 1) writes the newest report (10) instead: 1..9 are superseded.
    expect(done).toEqual([0, 10, 99]);
  });

  it('a failed tick does not stop the writes after it', async () => {
    const writes = new OrderedWrites();
    writes.tick(() => Promise.reject(new Error('Redis away')));
    await expect(writes.change(async () => 'written')).resolves.toBe('written');
  });
});
