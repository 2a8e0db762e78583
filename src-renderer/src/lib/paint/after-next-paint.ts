/** What the paint waits read of the browser (a parameter, so tests can stand in for it). */
export interface PaintEnvironment {
  requestAnimationFrame?: (callback: () => void) => unknown;
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (timer: never) => void;
  document?: Pick<Document, 'visibilityState'>;
  performance?: Pick<Performance, 'getEntriesByName'>;
}

/** A hidden page (or one without animation frames) paints nothing: waiting for a frame is moot. */
export function paintsNoFrames(env: PaintEnvironment): boolean {
  return env.document?.visibilityState !== 'visible' || typeof env.requestAnimationFrame !== 'function';
}

/**
 * Calls `callback` once the browser has painted its next frame (after the frame's animation
 * callbacks plus a task: a frame is painted right after its callbacks), so what the page changed
 * just before is on screen before `callback`'s work starts. A hidden page paints no frames, so
 * there it runs after a task; `fallbackMs` bounds the wait whatever happens. Never synchronous.
 */
export function afterNextPaint(callback: () => void, fallbackMs = 100, env: PaintEnvironment = globalThis as unknown as PaintEnvironment): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    env.clearTimeout(timer as never);
    callback();
  };
  const hidden = paintsNoFrames(env);
  const timer = env.setTimeout(run, hidden ? 0 : fallbackMs);
  if (!hidden) env.requestAnimationFrame!(() => void env.setTimeout(run, 0));
}
