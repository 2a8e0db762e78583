import { afterNextPaint, paintsNoFrames, type PaintEnvironment } from './after-next-paint.js';

/**
 * Resolves once the browser has painted (or had the chance to paint) what it has: at once when
 * it already painted content, else after the next animation frame (a frame is painted right after
 * its callbacks) plus a task. Content, not any paint: Chromium paints a blank frame when the
 * parser leaves the head, long before the body is laid out, and hydrating then would hold back
 * the first paint of the page itself. A hidden page paints no frames, so there it resolves at
 * once; `fallbackMs` bounds the wait whatever happens.
 */
export function afterFirstPaint(fallbackMs = 100, env: PaintEnvironment = globalThis as unknown as PaintEnvironment): Promise<void> {
  return new Promise((resolve) => {
    if (paintsNoFrames(env) || (env.performance?.getEntriesByName('first-contentful-paint').length ?? 0) > 0) return resolve();
    afterNextPaint(resolve, fallbackMs, env);
  });
}
