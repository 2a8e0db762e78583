/**
 * Resolves once the browser has had the chance to paint what it has: after the next animation
 * frame (a frame is painted right after its callbacks), plus a task. A hidden page paints no
 * frames, so there it resolves at once; `fallbackMs` bounds the wait whatever happens.
 */
export function afterFirstPaint(fallbackMs = 100, env: Pick<typeof globalThis, 'requestAnimationFrame' | 'setTimeout'> & { document?: Pick<Document, 'visibilityState'> } = globalThis): Promise<void> {
  return new Promise((resolve) => {
    if (env.document?.visibilityState !== 'visible' || typeof env.requestAnimationFrame !== 'function') return resolve();
    const timer = env.setTimeout(resolve, fallbackMs);
    env.requestAnimationFrame(() => {
      env.setTimeout(() => {
        clearTimeout(timer);
        resolve();
      }, 0);
    });
  });
}
