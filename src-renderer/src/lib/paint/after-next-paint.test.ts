import { describe, expect, it } from 'vitest';
import { afterNextPaint } from './after-next-paint.js';

const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));
const timers = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };

describe('afterNextPaint', () => {
  it('waits for the next frame, then a task, and runs once', async () => {
    const frames: (() => void)[] = [];
    let runs = 0;
    const env = { ...timers, requestAnimationFrame: (cb: () => void) => (frames.push(cb), 1), document: { visibilityState: 'visible' as const } };
    afterNextPaint(() => runs++, 60, env as never);
    await tick();
    expect(runs).toBe(0);
    frames.shift()!();
    expect(runs).toBe(0); // not inside the frame's callbacks: the frame is painted after them
    await tick();
    expect(runs).toBe(1);
    await tick(80); // the fallback does not run it again
    expect(runs).toBe(1);
  });

  it('runs after a task in a hidden page (no frames are painted there), never synchronously', async () => {
    let runs = 0;
    const env = { ...timers, requestAnimationFrame: () => 1, document: { visibilityState: 'hidden' as const } };
    afterNextPaint(() => runs++, 10_000, env as never);
    expect(runs).toBe(0);
    await tick();
    expect(runs).toBe(1);
  });

  it('runs after the fallback when no frame comes', async () => {
    let runs = 0;
    const env = { ...timers, requestAnimationFrame: () => 1, document: { visibilityState: 'visible' as const } };
    afterNextPaint(() => runs++, 10, env as never);
    await tick(40);
    expect(runs).toBe(1);
  });
});
