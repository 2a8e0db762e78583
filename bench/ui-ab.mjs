// Not a bench section: a paired comparison of two built UIs, for telling a UI change's effect from
// this machine's noise. Each build is served by its own server (servers/ui-server.mjs), seeded
// alike; every round loads, on both, the real page and the section's two floors (the 300-byte
// socket page, the same HTML without scripts), alternating which build goes first. Prints each
// build's medians and ratios, and B's medians over A's.
//
//   cp -r out/renderer /tmp/ui-before   # then change, npm run build:ui
//   node bench/ui-ab.mjs /tmp/ui-before out/renderer [tasks=200] [rounds=10]
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Child, median } from './lib/common.mjs';
import { CONNECTED_PROBE, liveAndPainted, monitorFigures, paintFigures, painted, withoutScripts, WS_FLOOR_HTML } from './lib/ui-pages.mjs';

const [dirA, dirB] = process.argv.slice(2, 4).map((dir) => dir && resolve(dir));
if (!dirA || !dirB) throw new Error('usage: node bench/ui-ab.mjs <built UI A> <built UI B> [tasks] [rounds]');
const count = Number(process.argv[4] ?? 200);
const rounds = Number(process.argv[5] ?? 10);
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const { chromium } = await import('playwright-core');

const work = mkdtempSync(join(tmpdir(), 'task-monitor-ui-ab-'));
/** Per build: its server, session and samples. */
const sides = {};
let context;
try {
  for (const [name, dir] of [['A', dirA], ['B', dirB]]) {
    const copy = join(work, name);
    cpSync(dir, copy, { recursive: true });
    mkdirSync(join(copy, 'client', '__bench'));
    writeFileSync(join(copy, 'client', '__bench', 'ws-floor.html'), WS_FLOOR_HTML);
    const server = new Child('servers/ui-server.mjs', { args: [copy] });
    sides[name] = { dir, server, live: [], fcp: [], floor: [], noJs: [] };
    const { url } = await server.next('ready', 60_000);
    const sessionId = `ui-ab-${name}-${count}`;
    await server.ask({ type: 'seed', sessionId, count }, 'seeded', 120_000);
    const html = await (await fetch(`${url}/`, { headers: { cookie: `sessionId=${sessionId}`, accept: 'text/html' } })).text();
    writeFileSync(join(copy, 'client', '__bench', 'no-js.html'), withoutScripts(html));
    Object.assign(sides[name], { url, sessionId, htmlBytes: Buffer.byteLength(html) });
  }
  context = await chromium.launchPersistentContext(join(work, 'profile'), { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, viewport: { width: 1280, height: 800 } });

  /** One load in a new tab, HTTP cache off, as bench/ui.mjs loads. */
  async function load(side, path, probe, ready, read) {
    await context.addCookies([{ name: 'sessionId', value: side.sessionId, url: side.url }]);
    const page = await context.newPage();
    try {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      if (probe) await page.addInitScript(probe);
      await page.goto(`${side.url}${path}`, { waitUntil: 'commit', timeout: 30_000 });
      await page.waitForFunction(ready, undefined, { timeout: 30_000, polling: 50 });
      return await page.evaluate(read);
    } finally {
      await page.close();
    }
  }
  const variants = {
    ours: async (side) => {
      const figures = await load(side, '/', CONNECTED_PROBE, liveAndPainted, monitorFigures);
      side.live.push(figures.live);
      side.fcp.push(figures.fcp);
    },
    floor: async (side) => side.floor.push((await load(side, '/__bench/ws-floor.html', null, () => window.__live !== undefined, () => ({ live: window.__live }))).live),
    noJs: async (side) => side.noJs.push((await load(side, '/__bench/no-js.html', null, painted, paintFigures)).fcp),
  };
  // Warm-up (not counted), then the rounds.
  for (const side of Object.values(sides)) for (const run of Object.values(variants)) await run(side);
  for (const side of Object.values(sides)) for (const key of ['live', 'fcp', 'floor', 'noJs']) side[key].length = 0;
  for (let round = 0; round < rounds; round++) {
    const builds = round % 2 === 0 ? ['B', 'A'] : ['A', 'B'];
    const order = round % 2 === 0 ? ['noJs', 'floor', 'ours'] : ['ours', 'floor', 'noJs'];
    for (const name of builds) for (const variant of order) await variants[variant](sides[name]);
  }
  const m = (values) => median(values);
  for (const [name, side] of Object.entries(sides)) {
    console.log(`${name} ${side.dir} (HTML ${(side.htmlBytes / 1024).toFixed(1)} KiB, ${count} tasks, ${rounds} rounds): "Connected" ${m(side.live).toFixed(0)} ms / socket floor ${m(side.floor).toFixed(0)} = ${(m(side.live) / m(side.floor)).toFixed(2)}×; first paint ${m(side.fcp).toFixed(0)} ms / no-JS ${m(side.noJs).toFixed(0)} = ${(m(side.fcp) / m(side.noJs)).toFixed(2)}×`);
  }
  console.log(`B ÷ A: "Connected" ${(m(sides.B.live) / m(sides.A.live)).toFixed(2)}, first paint ${(m(sides.B.fcp) / m(sides.A.fcp)).toFixed(2)}`);
} finally {
  await context?.close().catch(() => undefined);
  for (const side of Object.values(sides)) await side.server.stop();
  rmSync(work, { recursive: true, force: true });
}
