// 8. UI: how fast the monitor page goes live in a real browser (Debian Chromium through
// playwright-core), with 0, 200 and 2,000 tasks in the session's history, against two floors
// measured in the same run, from the same server and origin:
//   (a) a ~300-byte page that opens the same /ws socket for the same session (time to snapshot),
//   (b) the same server-rendered HTML with its scripts stripped (first contentful paint).
// Plus the size of the server-rendered HTML per task. The server (out/engine + out/renderer) runs
// in a child process; the browser is Chromium's own processes.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { benchPath, Child, emitResult, log, median, QUICK } from './lib/common.mjs';
import { CONNECTED_PROBE, liveAndPainted, monitorFigures, paintFigures, painted, withoutScripts, WS_FLOOR_HTML } from './lib/ui-pages.mjs';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const UI_DIR = benchPath('../out/renderer');
const COUNTS = [0, 200, 2000];
const ROUNDS = QUICK ? 3 : 7;
/** Each page must be live within this; the whole section stops starting rounds after SECTION_BUDGET_MS. */
const PAGE_TIMEOUT_MS = 30_000;
const SECTION_BUDGET_MS = QUICK ? 4 * 60_000 : 10 * 60_000;
const VIEWPORT = { width: 1280, height: 800 };

function skip(reason) {
  log(`skipped: ${reason}`);
  emitResult({ rows: [{ id: 'ui', section: 'UI', measure: 'page load in Chromium', skipped: reason }] });
}

if (!existsSync(CHROMIUM_PATH)) {
  skip(`Chromium not found at ${CHROMIUM_PATH} (install Debian's chromium, or set CHROMIUM_PATH)`);
  process.exit(0);
}
if (!existsSync(join(UI_DIR, 'handler.js'))) {
  skip(`the UI is not built (${UI_DIR}/handler.js is missing): run \`npm run build\` first`);
  process.exit(0);
}
const { chromium } = await import('playwright-core');

// The server serves a copy of the built UI, so the floors can be static files of the same origin
// without writing into out/renderer.
const work = mkdtempSync(join(tmpdir(), 'task-monitor-bench-ui-'));
const uiCopy = join(work, 'renderer');
cpSync(UI_DIR, uiCopy, { recursive: true });
const floorDir = join(uiCopy, 'client', '__bench');
mkdirSync(floorDir);
writeFileSync(join(floorDir, 'ws-floor.html'), WS_FLOOR_HTML);

const server = new Child('servers/ui-server.mjs', { args: [uiCopy] });
let context;
try {
  const { url } = await server.next('ready', 60_000);
  log(`server at ${url}; floor page ${Buffer.byteLength(WS_FLOOR_HTML)} bytes`);

  /** One session per count, seeded once (oldest task first). */
  const sessions = {};
  for (const count of COUNTS) {
    const sessionId = `bench-ui-${count}-${randomUUID().slice(0, 8)}`;
    const started = performance.now();
    await server.ask({ type: 'seed', sessionId, count }, 'seeded', 120_000);
    sessions[count] = sessionId;
    log(`seeded ${count} tasks in ${Math.round(performance.now() - started)} ms`);
  }

  /** The first HTML of each session, as the browser gets it (same cookie, loopback: the owner). */
  const html = {};
  for (const count of COUNTS) {
    const response = await fetch(`${url}/`, { headers: { cookie: `sessionId=${sessions[count]}`, accept: 'text/html' } });
    if (response.status !== 200) throw new Error(`GET / answered ${response.status}`);
    const text = await response.text();
    html[count] = Buffer.byteLength(text);
    writeFileSync(join(floorDir, `no-js-${count}.html`), withoutScripts(text));
    log(`SSR HTML with ${count} tasks: ${(html[count] / 1024).toFixed(1)} KiB (${(Buffer.byteLength(withoutScripts(text)) / 1024).toFixed(1)} KiB without scripts)`);
  }

  const userDataDir = join(work, 'chromium-profile');
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, viewport: VIEWPORT });

  /**
   * Loads one page in a new tab for a session (HTTP cache off: every load is a first visit) and
   * returns what `read` finds once `ready` holds in the page. Both are functions run in the page
   * through the DevTools protocol (the page's CSP forbids evaluating strings).
   */
  async function load(sessionId, path, { probe = null, ready, read }) {
    await context.addCookies([{ name: 'sessionId', value: sessionId, url }]);
    const page = await context.newPage();
    try {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      if (probe) await page.addInitScript(probe);
      await page.goto(`${url}${path}`, { waitUntil: 'commit', timeout: PAGE_TIMEOUT_MS });
      await page.waitForFunction(ready, undefined, { timeout: PAGE_TIMEOUT_MS, polling: 50 });
      return await page.evaluate(read);
    } finally {
      await page.close();
    }
  }

  const variants = {
    /** The monitor page: time until "Connected" shows, its first contentful paint, and its task cards. */
    ours: (count) =>
      load(sessions[count], '/', {
        probe: CONNECTED_PROBE,
        ready: liveAndPainted,
        read: monitorFigures,
      }),
    /** Floor (a): the 300-byte page, time until the snapshot is in. */
    socket: (count) => load(sessions[count], '/__bench/ws-floor.html', { ready: () => window.__live !== undefined, read: () => ({ live: window.__live }) }),
    /** Floor (b): the same HTML without scripts, its first contentful paint. */
    noJs: (count) => load(sessions[count], `/__bench/no-js-${count}.html`, { ready: painted, read: paintFigures }),
  };

  // Warm-up (not counted): the browser's first tab and the server's first render of each page.
  for (const count of COUNTS) for (const run of Object.values(variants)) await run(count);

  const samples = Object.fromEntries(COUNTS.map((count) => [count, { live: [], socket: [], fcp: [], noJsFcp: [], cards: [], ttfb: [], noJsTtfb: [] }]));
  const sectionStart = performance.now();
  let rounds = 0;
  for (let round = 0; round < ROUNDS; round++) {
    if (performance.now() - sectionStart > SECTION_BUDGET_MS) {
      log(`time budget spent: stopping after ${rounds} rounds`);
      break;
    }
    // Alternate the order within a round too, so that neither side always follows the other.
    const order = round % 2 === 0 ? ['socket', 'noJs', 'ours'] : ['ours', 'noJs', 'socket'];
    for (const count of COUNTS) {
      const s = samples[count];
      for (const name of order) {
        const result = await variants[name](count);
        if (name === 'ours') {
          s.live.push(result.live);
          s.fcp.push(result.fcp);
          s.cards.push(result.cards);
          s.ttfb.push(result.ttfb);
        } else if (name === 'socket') s.socket.push(result.live);
        else {
          s.noJsFcp.push(result.fcp);
          s.noJsTtfb.push(result.ttfb);
        }
      }
      log(`round ${round + 1}, ${count} tasks: Connected ${Math.round(s.live.at(-1))} ms (socket floor ${Math.round(s.socket.at(-1))}), FCP ${Math.round(s.fcp.at(-1))} ms (no-JS ${Math.round(s.noJsFcp.at(-1))}), first byte ${Math.round(s.ttfb.at(-1))} ms (no-JS ${Math.round(s.noJsTtfb.at(-1))}), ${s.cards.at(-1)} cards`);
    }
    rounds++;
  }
  if (rounds === 0) throw new Error('no round completed');

  const label = (count) => (count === 0 ? 'no tasks' : `${count.toLocaleString('en-US')} tasks`);
  const rows = [];
  for (const count of COUNTS) {
    const s = samples[count];
    rows.push({
      id: `ui-live-${count}`,
      section: 'UI',
      measure: `"Connected" shown, ${label(count)} in history (ms, median of ${rounds})`,
      ours: median(s.live),
      baseline: median(s.socket),
      baselineName: '300-byte page, same /ws snapshot',
      unit: 'ms',
      target: { maxRatio: 2 },
      samples: { ours: s.live, baseline: s.socket, cards: s.cards },
    });
  }
  for (const count of COUNTS) {
    const s = samples[count];
    rows.push({
      id: `ui-fcp-${count}`,
      section: 'UI',
      measure: `first contentful paint, ${label(count)} (ms, median of ${rounds})`,
      ours: median(s.fcp),
      baseline: median(s.noJsFcp),
      baselineName: 'same HTML, scripts stripped',
      unit: 'ms',
      target: { maxRatio: 1.3 },
      // The first byte: the real page is rendered per request, the floor is a static file.
      samples: { ours: s.fcp, baseline: s.noJsFcp, oursFirstByte: s.ttfb, baselineFirstByte: s.noJsTtfb },
    });
  }
  for (const count of COUNTS.filter((n) => n > 0)) {
    rows.push({
      id: `ui-html-${count}`,
      section: 'UI',
      measure: `server-rendered HTML per task, ${label(count)}: (HTML − HTML with none) ÷ ${count} (KiB; ${(html[count] / 1024).toFixed(1)} KiB in all)`,
      ours: (html[count] - html[0]) / count / 1024,
      unit: 'KiB',
      target: { max: 0.8 },
      detail: { htmlBytes: html[count], emptyHtmlBytes: html[0] },
    });
  }
  rows.push({
    id: 'ui-cards-2000',
    section: 'UI',
    measure: 'task cards in the DOM once live, 2,000 tasks in history',
    ours: median(samples[2000].cards),
    unit: 'cards',
  });
  emitResult({ rows });
} finally {
  await context?.close().catch(() => undefined);
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
