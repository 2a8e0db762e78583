import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_STEP_MS, systemClock } from './clock.js';

afterEach(() => vi.restoreAllMocks());

describe('systemClock', () => {
  it('cuts long waits into steps of at most a minute (past setTimeout’s 24.8-day overflow, and a clock set forward is noticed), unref’d', () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const cancel = systemClock.setTimer(() => undefined, 40 * 24 * 3600_000);
    expect(setTimeoutSpy).toHaveBeenCalledWith(expect.any(Function), MAX_TIMER_STEP_MS);
    const timer = setTimeoutSpy.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    cancel();
  });
});
