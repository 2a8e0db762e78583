// The pages the UI section loads besides the real one: its two floors, and what they measure.

/**
 * Floor (a): the least a page can do to go live. About 300 bytes: it opens the same `/ws` socket
 * for the same session (the cookie the real page would read) and records when the snapshot has
 * arrived and been parsed. Served by the same server, from the same origin, so the socket passes
 * the same Origin check and gets the same greeting.
 */
export const WS_FLOOR_HTML = `<!doctype html><meta charset="utf-8"><title>floor</title><p>Connecting</p><script>
var m=/(?:^|; )sessionId=([^;]*)/.exec(document.cookie),w=new WebSocket("ws://"+location.host+"/ws?sessionId="+m[1]);
w.onmessage=function(e){var d=JSON.parse(e.data);if(d.type==="snapshot"){window.__live=performance.now();w.close()}}
</script>`;

/**
 * Floor (b): the server-rendered HTML with every script removed (inline and module scripts,
 * module preloads), so it paints what the real page paints, with no JavaScript to fetch or run.
 */
export function withoutScripts(html) {
  return html
    .replace(/<script\b[\s\S]*?<\/script>/gi, '')
    .replace(/<link\b[^>]*\brel="modulepreload"[^>]*>/gi, '');
}

/**
 * Runs in the real page before its own scripts: records (on the page's clock, like paint
 * entries) the first animation frame in which the connection indicator says "Connected", i.e.
 * the frame that shows it.
 */
export const CONNECTED_PROBE = `(() => {
  const poll = () => {
    const status = document.querySelector('[data-testid="connection-status"]');
    if (status && status.textContent.includes('Connected')) window.__live = performance.now();
    else requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})();`;

// The functions below run in the page (playwright serialises them; the page's CSP forbids
// evaluating strings), so each is self-contained.

/** In the page: whether it has painted content. */
export function painted() {
  return performance.getEntriesByName('first-contentful-paint').length > 0;
}

/** In the page: its first contentful paint, ms since navigation start. */
export function paintFigures() {
  return { fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null, ttfb: performance.getEntriesByType('navigation')[0]?.responseStart ?? null };
}

/** In the page: whether the page recorded its live moment and painted. */
export function liveAndPainted() {
  return window.__live !== undefined && performance.getEntriesByName('first-contentful-paint').length > 0;
}

/** In the page: what the real page reports (live moment, first paint, task cards in the DOM). */
export function monitorFigures() {
  const navigation = performance.getEntriesByType('navigation')[0];
  return {
    live: window.__live,
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    ttfb: navigation?.responseStart ?? null,
    domContentLoaded: navigation?.domContentLoadedEventEnd ?? null,
    cards: document.querySelectorAll('li.task').length,
  };
}
