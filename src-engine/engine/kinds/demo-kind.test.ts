import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { demoKind, formatUtc } from './demo-kind.js';
import { TaskParameterError } from '../task-kind.js';

describe('demo kind', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function run(parameters: Record<string, unknown>, signal = new AbortController().signal) {
    const reports: Array<[number, string | undefined]> = [];
    const promise = demoKind.run({
      taskId: 't',
      name: 'Report',
      parameters: demoKind.parse(parameters),
      signal,
      attempt: 1,
      report: (progress, message) => reports.push([progress, message]),
      log: () => undefined,
      output: () => undefined,
    });
    return { promise, reports };
  }

  it('reports ten equal steps as "Processing step i/10" with progress i*10, then names the task and UTC time', async () => {
    vi.setSystemTime(new Date('2026-03-04T05:06:07.890Z'));
    const { promise, reports } = run({ duration: 2000 });
    await vi.advanceTimersByTimeAsync(199);
    expect(reports).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(reports).toEqual([[10, 'Processing step 1/10']]);
    await vi.advanceTimersByTimeAsync(1800);
    expect(reports).toEqual(Array.from({ length: 10 }, (_, i) => [(i + 1) * 10, `Processing step ${i + 1}/10`]));
    await expect(promise).resolves.toBe("Task 'Report' completed successfully at 2026-03-04 05:06:09");
  });

  it('fails during the requested step with a clear error, after reporting the steps before it', async () => {
    const { promise, reports } = run({ duration: 1000, failAtStep: 3 });
    const failed = expect(promise).rejects.toThrow('Simulated failure at step 3/10');
    await vi.advanceTimersByTimeAsync(1000);
    await failed;
    expect(reports.map(([progress]) => progress)).toEqual([10, 20]);
  });

  it('stops mid-step as soon as its signal aborts', async () => {
    const controller = new AbortController();
    const { promise, reports } = run({ duration: 10_000 }, controller.signal);
    const rejected = expect(promise).rejects.toThrow('stop now');
    await vi.advanceTimersByTimeAsync(1500);
    controller.abort(new Error('stop now'));
    await rejected;
    expect(reports).toHaveLength(1);
  });

  it('defaults the duration to 5000 ms and refuses durations outside 1000-30000 or not numbers', () => {
    expect(demoKind.parse({})).toEqual({ duration: 5000, failAtStep: null });
    for (const duration of [999, 30001, -1, 1500.5, Number.NaN, '5000', Number.POSITIVE_INFINITY]) {
      expect(() => demoKind.parse({ duration }), String(duration)).toThrow(TaskParameterError);
    }
    expect(() => demoKind.parse({ failAtStep: 11 })).toThrow('failAtStep must be a whole number from 1 to 10');
  });

  it('formats times as yyyy-MM-dd HH:mm:ss in UTC', () => {
    expect(formatUtc(new Date('2026-12-31T23:59:58.999Z'))).toBe('2026-12-31 23:59:58');
  });
});
