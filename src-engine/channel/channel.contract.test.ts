import { setMaxListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  ChannelAbortedError,
  ChannelClosedError,
  createBoundedChannel,
  createPriorityChannel,
  createUnboundedChannel,
  type BoundedChannelFullMode,
  type Channel,
} from './index.js';
import { promiseState, settle } from './test-support/async-helpers.js';

/**
 * Capacity of the bounded variants in the shared contract. Every contract test keeps
 * fewer items queued than this, so the full mode never kicks in and all variants must
 * behave identically.
 */
const CONTRACT_CAPACITY = 8;

interface Variant {
  name: string;
  create: <T>() => Channel<T>;
}

const bounded =
  (fullMode: BoundedChannelFullMode) =>
  <T,>(): Channel<T> =>
    createBoundedChannel<T>({ capacity: CONTRACT_CAPACITY, fullMode });

const variants: Variant[] = [
  { name: 'unbounded', create: <T,>() => createUnboundedChannel<T>() },
  { name: 'bounded(wait)', create: bounded('wait') },
  { name: 'bounded(drop-oldest)', create: bounded('drop-oldest') },
  { name: 'bounded(drop-newest)', create: bounded('drop-newest') },
  { name: 'bounded(drop-write)', create: bounded('drop-write') },
  // Equal priorities must behave exactly like a FIFO channel.
  { name: 'priority(equal)', create: <T,>() => createPriorityChannel<T>({ capacity: CONTRACT_CAPACITY, priorityOf: () => 0 }) },
];

/** Drains everything currently readable without waiting. */
function drainNow<T>(channel: Channel<T>): T[] {
  const items: T[] = [];
  for (let next = channel.reader.tryRead(); next.ok; next = channel.reader.tryRead()) {
    items.push(next.value);
  }
  return items;
}

/** Collects an async iterable into an array. */
async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe.each(variants)('$name channel contract', ({ create }) => {
  describe('non-blocking reads and writes', () => {
    it('tryRead on an empty channel reports { ok: false } instead of waiting', () => {
      const channel = create<string>();
      expect(channel.reader.tryRead()).toEqual({ ok: false });
    });

    it('tryWrite queues an item that tryRead then returns, and count tracks the queue', () => {
      const channel = create<string>();
      expect(channel.writer.tryWrite('a')).toBe(true);
      expect(channel.writer.tryWrite('b')).toBe(true);
      expect(channel.reader.count).toBe(2);
      expect(channel.reader.tryRead()).toEqual({ ok: true, value: 'a' });
      expect(channel.reader.count).toBe(1);
    });

    it('delivers items in the order they were written (FIFO)', () => {
      const channel = create<number>();
      for (let i = 0; i < 5; i++) channel.writer.tryWrite(i);
      expect(drainNow(channel)).toEqual([0, 1, 2, 3, 4]);
    });

    it('treats falsy values, including undefined, as real items rather than "empty"', async () => {
      const channel = create<unknown>();
      const values = [undefined, null, 0, '', false];
      for (const value of values) channel.writer.tryWrite(value);
      expect(drainNow(channel)).toEqual(values);
      channel.writer.tryWrite(undefined);
      await expect(channel.reader.read()).resolves.toBeUndefined();
    });
  });

  describe('waiting reads', () => {
    it('read resolves immediately with a queued item', async () => {
      const channel = create<string>();
      channel.writer.tryWrite('a');
      await expect(channel.reader.read()).resolves.toBe('a');
    });

    it('read waits until an item is written and then receives it', async () => {
      const channel = create<string>();
      const pending = channel.reader.read();
      expect(await promiseState(pending)).toBe('pending');
      channel.writer.tryWrite('a');
      await expect(pending).resolves.toBe('a');
    });

    it('an item written while a reader waits goes straight to that reader, not the queue', async () => {
      const channel = create<string>();
      const pending = channel.reader.read();
      expect(channel.writer.tryWrite('a')).toBe(true);
      expect(channel.reader.count).toBe(0);
      expect(channel.reader.tryRead()).toEqual({ ok: false });
      await expect(pending).resolves.toBe('a');
    });

    it('serves waiting readers in the order they started waiting', async () => {
      const channel = create<string>();
      const first = channel.reader.read();
      const second = channel.reader.read();
      const third = channel.reader.read();
      channel.writer.tryWrite('a');
      channel.writer.tryWrite('b');
      channel.writer.tryWrite('c');
      expect(await Promise.all([first, second, third])).toEqual(['a', 'b', 'c']);
    });

    it('write() hands its item to a waiting reader', async () => {
      const channel = create<string>();
      const pending = channel.reader.read();
      await channel.writer.write('a');
      await expect(pending).resolves.toBe('a');
    });

    it('waitToRead resolves true immediately when items are queued, without consuming one', async () => {
      const channel = create<string>();
      channel.writer.tryWrite('a');
      await expect(channel.reader.waitToRead()).resolves.toBe(true);
      expect(channel.reader.count).toBe(1);
    });

    it('waitToRead waits for an item and then resolves true, leaving the item queued', async () => {
      const channel = create<string>();
      const waiting = channel.reader.waitToRead();
      expect(await promiseState(waiting)).toBe('pending');
      channel.writer.tryWrite('a');
      await expect(waiting).resolves.toBe(true);
      expect(channel.reader.tryRead()).toEqual({ ok: true, value: 'a' });
    });

    it('waitToWrite resolves true while the channel has room', async () => {
      const channel = create<string>();
      await expect(channel.writer.waitToWrite()).resolves.toBe(true);
    });
  });

  describe('completion', () => {
    it('reads drain the items queued before complete(), then reject with ChannelClosedError', async () => {
      const channel = create<string>();
      channel.writer.tryWrite('a');
      channel.writer.tryWrite('b');
      channel.writer.complete();
      await expect(channel.reader.read()).resolves.toBe('a');
      expect(channel.reader.tryRead()).toEqual({ ok: true, value: 'b' });
      const error = await channel.reader.read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChannelClosedError);
      expect(error).toMatchObject({ code: 'ERR_CHANNEL_CLOSED' });
      expect(channel.reader.tryRead()).toEqual({ ok: false });
    });

    it('completion stays pending until the remaining items are drained, then resolves', async () => {
      const channel = create<string>();
      channel.writer.tryWrite('a');
      channel.writer.complete();
      expect(await promiseState(channel.reader.completion)).toBe('pending');
      channel.reader.tryRead();
      await expect(channel.reader.completion).resolves.toBeUndefined();
    });

    it('completion resolves right away when completing an empty channel', async () => {
      const channel = create<string>();
      channel.writer.complete();
      await expect(channel.reader.completion).resolves.toBeUndefined();
    });

    it('complete() releases pending readers: read rejects with ChannelClosedError, waitToRead resolves false', async () => {
      const channel = create<string>();
      const reading = channel.reader.read();
      const waiting = channel.reader.waitToRead();
      channel.writer.complete();
      await expect(reading).rejects.toBeInstanceOf(ChannelClosedError);
      await expect(waiting).resolves.toBe(false);
    });

    it('waitToRead keeps answering true while completed-but-undrained, then false', async () => {
      const channel = create<string>();
      channel.writer.tryWrite('a');
      channel.writer.complete();
      await expect(channel.reader.waitToRead()).resolves.toBe(true);
      channel.reader.tryRead();
      await expect(channel.reader.waitToRead()).resolves.toBe(false);
    });

    it('complete(error) propagates the error: completion and waitToRead reject with it, read rejects with it as cause', async () => {
      const channel = create<string>();
      const failure = new Error('producer failed');
      const pendingRead = channel.reader.read();
      const pendingWait = channel.reader.waitToRead();
      channel.writer.complete(failure);

      const readError = await pendingRead.catch((e: unknown) => e);
      expect(readError).toBeInstanceOf(ChannelClosedError);
      expect((readError as ChannelClosedError).cause).toBe(failure);
      await expect(pendingWait).rejects.toBe(failure);
      await expect(channel.reader.completion).rejects.toBe(failure);
      await expect(channel.reader.waitToRead()).rejects.toBe(failure);
      const laterReadError = await channel.reader.read().catch((e: unknown) => e);
      expect((laterReadError as ChannelClosedError).cause).toBe(failure);
    });

    it('complete(error) still lets queued items be read before the error surfaces', async () => {
      const channel = create<string>();
      const failure = new Error('producer failed');
      channel.writer.tryWrite('a');
      channel.writer.complete(failure);
      await expect(channel.reader.read()).resolves.toBe('a');
      await expect(channel.reader.completion).rejects.toBe(failure);
    });

    it('completing with an error does not raise an unhandled rejection when completion is never observed', async () => {
      const channel = create<string>();
      channel.writer.complete(new Error('nobody listens'));
      // Vitest fails the run on unhandled rejections; give one a chance to surface.
      await settle();
      await settle();
    });

    it('after complete(), tryWrite returns false, write rejects with ChannelClosedError and waitToWrite resolves false', async () => {
      const channel = create<string>();
      channel.writer.complete();
      expect(channel.writer.tryWrite('late')).toBe(false);
      await expect(channel.writer.write('late')).rejects.toBeInstanceOf(ChannelClosedError);
      await expect(channel.writer.waitToWrite()).resolves.toBe(false);
      expect(channel.reader.count).toBe(0);
    });

    it('after complete(error), write rejects with the error as cause and waitToWrite rejects with it', async () => {
      const channel = create<string>();
      const failure = new Error('producer failed');
      channel.writer.complete(failure);
      const writeError = await channel.writer.write('late').catch((e: unknown) => e);
      expect(writeError).toBeInstanceOf(ChannelClosedError);
      expect((writeError as ChannelClosedError).cause).toBe(failure);
      await expect(channel.writer.waitToWrite()).rejects.toBe(failure);
    });

    it('tryComplete succeeds once and then returns false without changing the outcome', async () => {
      const channel = create<string>();
      expect(channel.writer.tryComplete()).toBe(true);
      expect(channel.writer.tryComplete(new Error('too late'))).toBe(false);
      await expect(channel.reader.completion).resolves.toBeUndefined();
    });

    it('complete() on an already completed channel throws ChannelClosedError', () => {
      const channel = create<string>();
      channel.writer.complete();
      expect(() => channel.writer.complete()).toThrow(ChannelClosedError);
    });
  });

  describe('cancellation with AbortSignal', () => {
    it('read with an already aborted signal rejects with ChannelAbortedError and leaves queued items alone', async () => {
      const channel = create<string>();
      channel.writer.tryWrite('a');
      const error = await channel.reader.read(AbortSignal.abort()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChannelAbortedError);
      expect(error).toMatchObject({ code: 'ERR_ABORTED', name: 'AbortError' });
      expect(channel.reader.count).toBe(1);
    });

    it('aborting a waiting read rejects it, and the aborted reader never consumes a later item', async () => {
      const channel = create<string>();
      const controller = new AbortController();
      const reading = channel.reader.read(controller.signal);
      controller.abort();
      await expect(reading).rejects.toBeInstanceOf(ChannelAbortedError);
      channel.writer.tryWrite('a');
      expect(channel.reader.tryRead()).toEqual({ ok: true, value: 'a' });
    });

    it('an aborted reader queued ahead of others is skipped, so the next reader gets the item', async () => {
      const channel = create<string>();
      const controller = new AbortController();
      const aborted = channel.reader.read(controller.signal);
      const live = channel.reader.read();
      controller.abort();
      channel.writer.tryWrite('a');
      await expect(aborted).rejects.toBeInstanceOf(ChannelAbortedError);
      await expect(live).resolves.toBe('a');
    });

    it('aborting after the item was handed over has no effect: the read keeps its item', async () => {
      const channel = create<string>();
      const controller = new AbortController();
      const reading = channel.reader.read(controller.signal);
      channel.writer.tryWrite('a');
      controller.abort();
      await expect(reading).resolves.toBe('a');
    });

    it('many aborted reads on an idle channel do not get in the way of a later reader', async () => {
      const channel = create<number>();
      const controller = new AbortController();
      // 500 concurrent waits on one signal is intended here, not a listener leak.
      setMaxListeners(0, controller.signal);
      const aborted = Array.from({ length: 500 }, () => channel.reader.read(controller.signal));
      controller.abort();
      await Promise.allSettled(aborted);
      const live = channel.reader.read();
      channel.writer.tryWrite(42);
      await expect(live).resolves.toBe(42);
    });

    it('the abort error carries the signal reason as its cause', async () => {
      const channel = create<string>();
      const controller = new AbortController();
      const reading = channel.reader.read(controller.signal);
      const reason = new Error('deadline exceeded');
      controller.abort(reason);
      const error = await reading.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChannelAbortedError);
      expect((error as ChannelAbortedError).cause).toBe(reason);
      expect((error as ChannelAbortedError).message).toContain('deadline exceeded');
    });

    it('aborting waitToRead rejects it with ChannelAbortedError', async () => {
      const channel = create<string>();
      const controller = new AbortController();
      const waiting = channel.reader.waitToRead(controller.signal);
      controller.abort();
      await expect(waiting).rejects.toBeInstanceOf(ChannelAbortedError);
      await expect(channel.reader.waitToRead(AbortSignal.abort())).rejects.toBeInstanceOf(
        ChannelAbortedError,
      );
    });

    it('write with an already aborted signal rejects and the item is not written', async () => {
      const channel = create<string>();
      await expect(channel.writer.write('a', AbortSignal.abort())).rejects.toBeInstanceOf(
        ChannelAbortedError,
      );
      expect(channel.reader.count).toBe(0);
      expect(channel.reader.tryRead()).toEqual({ ok: false });
    });

    it('waitToWrite with an already aborted signal rejects with ChannelAbortedError', async () => {
      const channel = create<string>();
      await expect(channel.writer.waitToWrite(AbortSignal.abort())).rejects.toBeInstanceOf(
        ChannelAbortedError,
      );
    });

    it('settled operations detach from the signal, so reusing one signal does not pile up listeners', async () => {
      const channel = create<number>();
      const controller = new AbortController();
      let added = 0;
      let removed = 0;
      const signal = controller.signal;
      const add = signal.addEventListener.bind(signal);
      const remove = signal.removeEventListener.bind(signal);
      signal.addEventListener = ((...args: Parameters<typeof add>) => {
        added++;
        add(...args);
      }) as typeof signal.addEventListener;
      signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
        removed++;
        remove(...args);
      }) as typeof signal.removeEventListener;
      for (let i = 0; i < 20; i++) {
        const reading = channel.reader.read(signal);
        channel.writer.tryWrite(i);
        await expect(reading).resolves.toBe(i);
      }
      expect(added).toBe(20);
      expect(removed).toBe(added);
    });
  });

  describe('async iteration', () => {
    it('for await yields every item in order and ends when the channel is completed', async () => {
      const channel = create<number>();
      const consumed = collect(channel.reader);
      for (let i = 0; i < 5; i++) {
        await channel.writer.write(i);
        await settle();
      }
      channel.writer.complete();
      await expect(consumed).resolves.toEqual([0, 1, 2, 3, 4]);
    });

    it('readAll() drains items queued before completion and then ends', async () => {
      const channel = create<number>();
      channel.writer.tryWrite(1);
      channel.writer.tryWrite(2);
      channel.writer.complete();
      await expect(collect(channel.reader.readAll())).resolves.toEqual([1, 2]);
    });

    it('iteration throws the completion error after yielding the remaining items', async () => {
      const channel = create<number>();
      const failure = new Error('producer failed');
      channel.writer.tryWrite(1);
      channel.writer.complete(failure);
      const seen: number[] = [];
      const outcome = (async () => {
        for await (const item of channel.reader) seen.push(item);
      })();
      await expect(outcome).rejects.toBe(failure);
      expect(seen).toEqual([1]);
    });

    it('readAll(signal) rejects with ChannelAbortedError when aborted while waiting', async () => {
      const channel = create<number>();
      const controller = new AbortController();
      const consumed = collect(channel.reader.readAll(controller.signal));
      await settle();
      controller.abort();
      await expect(consumed).rejects.toBeInstanceOf(ChannelAbortedError);
    });

    it('readAll(signal) stops between queued items once aborted, leaving the rest queued', async () => {
      const channel = create<number>();
      for (let i = 0; i < 4; i++) channel.writer.tryWrite(i);
      const controller = new AbortController();
      const seen: number[] = [];
      const outcome = (async () => {
        for await (const item of channel.reader.readAll(controller.signal)) {
          seen.push(item);
          if (item === 1) controller.abort();
        }
      })();
      await expect(outcome).rejects.toBeInstanceOf(ChannelAbortedError);
      expect(seen).toEqual([0, 1]);
      expect(drainNow(channel)).toEqual([2, 3]);
    });

    it('breaking out of iteration leaves the remaining items in the channel', async () => {
      const channel = create<number>();
      for (let i = 0; i < 3; i++) channel.writer.tryWrite(i);
      for await (const item of channel.reader) {
        expect(item).toBe(0);
        break;
      }
      expect(drainNow(channel)).toEqual([1, 2]);
    });
  });
});

describe('bounded channel in wait mode', () => {
  const createWait = <T,>(capacity: number) => createBoundedChannel<T>({ capacity });

  it('tryWrite returns false once the channel holds capacity items', () => {
    const channel = createWait<number>(2);
    expect(channel.writer.tryWrite(1)).toBe(true);
    expect(channel.writer.tryWrite(2)).toBe(true);
    expect(channel.writer.tryWrite(3)).toBe(false);
    expect(channel.reader.count).toBe(2);
    expect(drainNow(channel)).toEqual([1, 2]);
  });

  it('write waits while full and completes once a read frees a slot, appending its item', async () => {
    const channel = createWait<number>(1);
    channel.writer.tryWrite(1);
    const blocked = channel.writer.write(2);
    expect(await promiseState(blocked)).toBe('pending');
    expect(channel.reader.tryRead()).toEqual({ ok: true, value: 1 });
    await expect(blocked).resolves.toBeUndefined();
    expect(drainNow(channel)).toEqual([2]);
  });

  it('admits blocked writers in the order they started waiting', async () => {
    const channel = createWait<string>(1);
    channel.writer.tryWrite('a');
    const writes = ['b', 'c', 'd'].map((item) => channel.writer.write(item));
    const received: string[] = [];
    for (let i = 0; i < 4; i++) received.push(await channel.reader.read());
    await Promise.all(writes);
    expect(received).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a newcomer cannot overtake a blocked writer: the freed slot goes to the waiting writer', async () => {
    const channel = createWait<string>(1);
    channel.writer.tryWrite('a');
    const blocked = channel.writer.write('b');
    channel.reader.tryRead();
    expect(channel.writer.tryWrite('z')).toBe(false);
    await blocked;
    expect(drainNow(channel)).toEqual(['b']);
  });

  it('waitToWrite waits while full and resolves true once there is room, without reserving it', async () => {
    const channel = createWait<number>(1);
    channel.writer.tryWrite(1);
    const waiting = channel.writer.waitToWrite();
    expect(await promiseState(waiting)).toBe('pending');
    channel.reader.tryRead();
    await expect(waiting).resolves.toBe(true);
    expect(channel.writer.tryWrite(2)).toBe(true);
  });

  it('aborting a blocked write rejects it, its item is never written, and later writers keep their order', async () => {
    const channel = createWait<string>(1);
    channel.writer.tryWrite('a');
    const controller = new AbortController();
    const aborted = channel.writer.write('b', controller.signal);
    const later = channel.writer.write('c');
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(ChannelAbortedError);
    expect(await channel.reader.read()).toBe('a');
    expect(await channel.reader.read()).toBe('c');
    await later;
    expect(channel.reader.count).toBe(0);
  });

  it('aborting a pending waitToWrite rejects it with ChannelAbortedError', async () => {
    const channel = createWait<number>(1);
    channel.writer.tryWrite(1);
    const controller = new AbortController();
    const waiting = channel.writer.waitToWrite(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(ChannelAbortedError);
  });

  it('complete() rejects blocked writers with ChannelClosedError and drops their items, but queued items stay readable', async () => {
    const channel = createWait<string>(1);
    channel.writer.tryWrite('a');
    const blocked = channel.writer.write('b');
    const waiting = channel.writer.waitToWrite();
    channel.writer.complete();
    await expect(blocked).rejects.toBeInstanceOf(ChannelClosedError);
    await expect(waiting).resolves.toBe(false);
    await expect(collect(channel.reader)).resolves.toEqual(['a']);
  });

  it('never holds more than capacity items however many writers are blocked', async () => {
    const channel = createWait<number>(3);
    const writes = Array.from({ length: 10 }, (_, i) => channel.writer.write(i));
    expect(channel.reader.count).toBe(3);
    const received: number[] = [];
    while (received.length < 10) {
      received.push(await channel.reader.read());
      expect(channel.reader.count).toBeLessThanOrEqual(3);
    }
    await Promise.all(writes);
    expect(received).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('bounded channel drop modes', () => {
  /** Writes 1..5 into a capacity-3 channel and reports what was kept and dropped. */
  function overfill(fullMode: BoundedChannelFullMode) {
    const dropped: number[] = [];
    const channel = createBoundedChannel<number>({
      capacity: 3,
      fullMode,
      onItemDropped: (item) => dropped.push(item),
    });
    const results = [1, 2, 3, 4, 5].map((item) => channel.writer.tryWrite(item));
    return { results, dropped, kept: drainNow(channel) };
  }

  it('drop-oldest discards the oldest queued item to make room and reports it', () => {
    expect(overfill('drop-oldest')).toEqual({
      results: [true, true, true, true, true],
      dropped: [1, 2],
      kept: [3, 4, 5],
    });
  });

  it('drop-newest discards the most recently queued item to make room and reports it', () => {
    expect(overfill('drop-newest')).toEqual({
      results: [true, true, true, true, true],
      dropped: [3, 4],
      kept: [1, 2, 5],
    });
  });

  it('drop-write discards the item being written, still reports success, and reports the item', () => {
    expect(overfill('drop-write')).toEqual({
      results: [true, true, true, true, true],
      dropped: [4, 5],
      kept: [1, 2, 3],
    });
  });

  it.each(['drop-oldest', 'drop-newest', 'drop-write'] as const)(
    '%s: write() and waitToWrite() on a full channel resolve at once instead of waiting',
    async (fullMode) => {
      const channel = createBoundedChannel<number>({ capacity: 1, fullMode });
      channel.writer.tryWrite(1);
      expect(await promiseState(channel.writer.write(2))).toBe('fulfilled');
      await expect(channel.writer.waitToWrite()).resolves.toBe(true);
      expect(channel.reader.count).toBe(1);
    },
  );

  it.each(['drop-oldest', 'drop-newest', 'drop-write'] as const)(
    '%s: works without an onItemDropped callback',
    (fullMode) => {
      const channel = createBoundedChannel<number>({ capacity: 1, fullMode });
      expect(channel.writer.tryWrite(1)).toBe(true);
      expect(channel.writer.tryWrite(2)).toBe(true);
      expect(channel.reader.count).toBe(1);
    },
  );

  it('nothing is dropped while a reader is waiting: the item goes to the reader', async () => {
    const dropped: number[] = [];
    const channel = createBoundedChannel<number>({
      capacity: 1,
      fullMode: 'drop-oldest',
      onItemDropped: (item) => dropped.push(item),
    });
    const reading = channel.reader.read();
    channel.writer.tryWrite(1);
    channel.writer.tryWrite(2);
    await expect(reading).resolves.toBe(1);
    expect(dropped).toEqual([]);
    expect(drainNow(channel)).toEqual([2]);
  });

  it('an error thrown by onItemDropped reaches the writer after the write has taken effect', async () => {
    const failure = new Error('callback failed');
    const channel = createBoundedChannel<number>({
      capacity: 1,
      fullMode: 'drop-oldest',
      onItemDropped: () => {
        throw failure;
      },
    });
    channel.writer.tryWrite(1);
    expect(() => channel.writer.tryWrite(2)).toThrow(failure);
    await expect(channel.writer.write(3)).rejects.toBe(failure);
    expect(drainNow(channel)).toEqual([3]);
  });
});

describe('bounded channel options validation', () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects capacity %s with a RangeError that names the requirement',
    (capacity) => {
      const attempt = () => createBoundedChannel({ capacity });
      expect(attempt).toThrow(RangeError);
      expect(attempt).toThrow(/capacity must be an integer >= 1/);
      expect(attempt).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CHANNEL_OPTIONS' }));
    },
  );

  it('accepts the smallest valid capacity of 1', () => {
    const channel = createBoundedChannel<number>({ capacity: 1 });
    expect(channel.writer.tryWrite(1)).toBe(true);
    expect(channel.writer.tryWrite(2)).toBe(false);
  });

  it('rejects an unknown fullMode with a RangeError listing the valid modes', () => {
    const attempt = () =>
      createBoundedChannel({ capacity: 1, fullMode: 'drop-everything' as BoundedChannelFullMode });
    expect(attempt).toThrow(RangeError);
    expect(attempt).toThrow(/'wait', 'drop-oldest', 'drop-newest', 'drop-write'/);
  });

  it('rejects an onItemDropped that is not a function', () => {
    const attempt = () =>
      createBoundedChannel({ capacity: 1, onItemDropped: 'log' as unknown as () => void });
    expect(attempt).toThrow(/onItemDropped must be a function/);
  });
});

describe('unbounded channel', () => {
  it('accepts a large backlog without ever refusing a write, and returns it in order', () => {
    const channel = createUnboundedChannel<number>();
    const total = 100_000;
    let refused = 0;
    for (let i = 0; i < total; i++) if (!channel.writer.tryWrite(i)) refused++;
    expect(refused).toBe(0);
    expect(channel.reader.count).toBe(total);
    const drained = drainNow(channel);
    expect(drained).toHaveLength(total);
    expect(drained.every((value, index) => value === index)).toBe(true);
  });
});
