import { describe, expect, it } from 'vitest';
import { createPriorityChannel, InvalidChannelOptionsError } from './index.js';

describe('priority channel', () => {
  it('reads the highest priority first, and equal priorities in the order they were written', () => {
    const channel = createPriorityChannel<{ id: string; priority: number }>({ capacity: 100, priorityOf: (item) => item.priority });
    const written = [
      { id: 'low-1', priority: -1 },
      { id: 'normal-1', priority: 0 },
      { id: 'high-1', priority: 5 },
      { id: 'normal-2', priority: 0 },
      { id: 'high-2', priority: 5 },
      { id: 'low-2', priority: -1 },
    ];
    for (const item of written) expect(channel.writer.tryWrite(item)).toBe(true);
    const read: string[] = [];
    for (let next = channel.reader.tryRead(); next.ok; next = channel.reader.tryRead()) read.push(next.value.id);
    expect(read).toEqual(['high-1', 'high-2', 'normal-1', 'normal-2', 'low-1', 'low-2']);
  });

  it('keeps order exact over many interleaved writes and reads', () => {
    const channel = createPriorityChannel<number>({ capacity: Infinity, priorityOf: (n) => n % 3 });
    const read: number[] = [];
    for (let i = 0; i < 300; i++) {
      channel.writer.tryWrite(i);
      if (i % 4 === 3) {
        const next = channel.reader.tryRead();
        if (next.ok) read.push(next.value);
      }
    }
    for (let next = channel.reader.tryRead(); next.ok; next = channel.reader.tryRead()) read.push(next.value);
    expect([...read].sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    // Among what was queued at the end, priorities descend and each priority is FIFO.
    const tail = read.slice(75);
    for (let i = 1; i < tail.length; i++) {
      const [a, b] = [tail[i - 1]!, tail[i]!];
      expect(a % 3 > b % 3 || (a % 3 === b % 3 && a < b)).toBe(true);
    }
  });

  it('keeps working as priority levels empty and come back', () => {
    const channel = createPriorityChannel<[string, number]>({ capacity: Infinity, priorityOf: ([, p]) => p });
    const read = () => {
      const next = channel.reader.tryRead();
      return next.ok ? next.value[0] : undefined;
    };
    channel.writer.tryWrite(['a', 1]);
    expect(read()).toBe('a');
    channel.writer.tryWrite(['b', 0]);
    channel.writer.tryWrite(['c', 1]);
    channel.writer.tryWrite(['d', 2]);
    expect([read(), read(), read(), read()]).toEqual(['d', 'c', 'b', undefined]);
    expect(channel.reader.count).toBe(0);
  });

  it('makes writers wait when full, like a bounded wait channel', async () => {
    const channel = createPriorityChannel<number>({ capacity: 1, priorityOf: (n) => n });
    expect(channel.writer.tryWrite(1)).toBe(true);
    expect(channel.writer.tryWrite(2)).toBe(false);
    const waiting = channel.writer.write(3);
    expect(await channel.reader.read()).toBe(1);
    await waiting;
    expect(await channel.reader.read()).toBe(3);
  });

  it('refuses a bad capacity or a missing priorityOf', () => {
    expect(() => createPriorityChannel({ capacity: 0, priorityOf: () => 0 })).toThrow(InvalidChannelOptionsError);
    expect(() => createPriorityChannel({ capacity: 1, priorityOf: undefined as never })).toThrow(InvalidChannelOptionsError);
  });
});
