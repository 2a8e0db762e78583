import { describe, expect, it } from 'vitest';
import { afterFirstPaint } from './after-first-paint.js';

/** Paint entries the stand-in browser reports (`first-paint`, `first-contentful-paint`). */
const painted = (...names: string[]) => ({ getEntriesByName: (name: string) => (names.includes(name) ? [{}] : []) });

/** A stand-in browser whose animation frames run only when the test runs `frames`. */
function browser(options: { visibility?: 'visible' | 'hidden'; performance?: ReturnType<typeof painted> } = {}) {
  const frames: (() => void)[] = [];
  const env = {
    requestAnimationFrame: (cb: () => void) => (frames.push(cb), 1),
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    document: { visibilityState: options.visibility ?? 'visible' },
    ...(options.performance ? { performance: options.performance } : {}),
  };
  return { env: env as never, frames };
}

/** Waits in a visible page until the next frame has run, then a task. */
async function expectWaitsForAFrame(performance?: ReturnType<typeof painted>) {
  const { env, frames } = browser({ performance });
  let done = false;
  const waiting = afterFirstPaint(10_000, env).then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(done).toBe(false);
  frames.shift()!();
  await waiting;
  expect(done).toBe(true);
}

describe('afterFirstPaint', () => {
  it('waits for the next frame, then a task', async () => {
    await expectWaitsForAFrame();
  });

  it('does not wait when the browser already painted content', async () => {
    await expect(afterFirstPaint(10_000, browser({ performance: painted('first-contentful-paint') }).env)).resolves.toBeUndefined();
  });

  it('waits for a frame when only a blank first paint happened (no content painted yet)', async () => {
    await expectWaitsForAFrame(painted('first-paint'));
  });

  it('does not wait in a hidden page (no frames are painted there)', async () => {
    await expect(afterFirstPaint(10_000, browser({ visibility: 'hidden' }).env)).resolves.toBeUndefined();
  });

  it('stops waiting after the fallback when no frame comes', async () => {
    await expect(afterFirstPaint(20, browser().env)).resolves.toBeUndefined();
  });
});
