import { describe, expect, it } from 'vitest';
import { afterFirstPaint } from './after-first-paint.js';

describe('afterFirstPaint', () => {
  it('waits for the next frame, then a task', async () => {
    const frames: (() => void)[] = [];
    let done = false;
    const env = { requestAnimationFrame: (cb: () => void) => (frames.push(cb), 1), setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout, document: { visibilityState: 'visible' as const } };
    const waiting = afterFirstPaint(10_000, env as never).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    frames.shift()!();
    await waiting;
    expect(done).toBe(true);
  });

  it('does not wait when the browser already painted content', async () => {
    const env = { requestAnimationFrame: () => 1, setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout, document: { visibilityState: 'visible' as const }, performance: { getEntriesByName: (name: string) => (name === 'first-contentful-paint' ? [{}] : []) } };
    await expect(afterFirstPaint(10_000, env as never)).resolves.toBeUndefined();
  });

  it('waits for a frame when only a blank first paint happened (no content painted yet)', async () => {
    const frames: (() => void)[] = [];
    let done = false;
    const env = { requestAnimationFrame: (cb: () => void) => (frames.push(cb), 1), setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout, document: { visibilityState: 'visible' as const }, performance: { getEntriesByName: (name: string) => (name === 'first-paint' ? [{}] : []) } };
    const waiting = afterFirstPaint(10_000, env as never).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    frames.shift()!();
    await waiting;
    expect(done).toBe(true);
  });

  it('does not wait in a hidden page (no frames are painted there)', async () => {
    const env = { requestAnimationFrame: () => 1, setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout, document: { visibilityState: 'hidden' as const } };
    await expect(afterFirstPaint(10_000, env as never)).resolves.toBeUndefined();
  });

  it('stops waiting after the fallback when no frame comes', async () => {
    const env = { requestAnimationFrame: () => 1, setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout, document: { visibilityState: 'visible' as const } };
    await expect(afterFirstPaint(20, env as never)).resolves.toBeUndefined();
  });
});
