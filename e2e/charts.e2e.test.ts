/**
 * The owner's charts (/charts): empty before anything ran; after tasks completed and failed, the
 * three charts draw (canvas) and their summaries count exactly what ran; a new task shows up live
 * (statsTick); the range switch reloads from the URL; dark mode redraws with the dark colours.
 * Screenshots go to test-results/, or docs/screenshot-charts*.png with UPDATE_SCREENSHOTS=1.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningTaskMonitor } from '../src-engine/launcher/start-task-monitor.js';
import { browserAvailable, launchBrowser } from './support/browser.js';
import { startServer } from './support/server.js';
import { collectPageErrors, eventually, startTaskViaApi, tasksViaApi } from './support/page-helpers.js';

const outDir = fileURLToPath(new URL(process.env['UPDATE_SCREENSHOTS'] === '1' ? '../docs/' : '../test-results/', import.meta.url));
const CHARTS = ['throughput', 'queue', 'duration'] as const;

describe.skipIf(!browserAvailable())('charts (browser)', () => {
  let browser: Browser;
  let server: RunningTaskMonitor;
  const session = 'charts-e2e-session';

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startServer({ concurrency: 2 })]);
    mkdirSync(outDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const summary = (page: Page, chart: (typeof CHARTS)[number]) => page.getByTestId(`summary-${chart}`).textContent();

  /** Waits until every chart has drawn its canvas. */
  async function chartsDrawn(page: Page): Promise<void> {
    for (const chart of CHARTS) await page.locator(`[data-testid="chart-${chart}"] .plot[data-drawn="yes"] canvas`).waitFor();
  }

  async function runAndWait(tasks: { name: string; failAtStep?: number }[]): Promise<void> {
    for (const task of tasks) {
      await startTaskViaApi(server.url, session, {
        name: task.name,
        duration: 1000,
        maxAttempts: 1,
        ...(task.failAtStep === undefined ? {} : { parameters: { failAtStep: task.failAtStep } }),
      });
    }
    await eventually(async () => {
      const listed = await tasksViaApi(server.url, session);
      expect(listed.filter((t) => tasks.some((task) => task.name === t.name) && ['completed', 'failed'].includes(t.state))).toHaveLength(tasks.length);
    }, 60_000, 250);
  }

  it('shows an empty state before anything ran', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/charts`);
    await page.getByTestId('charts-empty').waitFor();
    expect(await summary(page, 'throughput')).toBe('Last hour: 0 completed, 0 failed, 0 cancelled.');
    await context.close();
  });

  it('draws what ran, follows new tasks live, and switches to the last day', async () => {
    await runAndWait([{ name: 'ok 1' }, { name: 'ok 2' }, { name: 'ok 3' }, { name: 'bad 1', failAtStep: 2 }, { name: 'bad 2', failAtStep: 3 }]);

    const context = await browser.newContext({ viewport: { width: 1440, height: 1100 }, colorScheme: 'light' });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    // Reached from the main page's header, as a person would.
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Charts' }).click();
    await page.waitForURL('**/charts');
    await chartsDrawn(page);
    expect(await page.getByTestId('charts-empty').count()).toBe(0);
    expect(await summary(page, 'throughput')).toMatch(/^Last hour: 3 completed, 2 failed, 0 cancelled; busiest at \d\d:\d\d UTC/);
    expect(await summary(page, 'queue')).toMatch(/^Last hour: queue peaked at \d+ at \d\d:\d\d UTC; at most 2 running at once/);
    expect(await summary(page, 'duration')).toMatch(/^Last hour: p50 .*; p95 peaked at [\d.]+ (ms|s) at/);
    // The data table holds the same counts, one row per minute.
    const table = page.getByTestId('chart-throughput').locator('details tbody tr');
    expect(await table.count()).toBe(60);
    const cells = await table.evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((td) => Number(td.textContent))));
    expect(cells.reduce((sum, [completed = 0]) => sum + completed, 0)).toBe(3);
    expect(cells.reduce((sum, [, failed = 0]) => sum + failed, 0)).toBe(2);

    await page.getByTestId('charts-live').getByText('Live').waitFor();
    await page.screenshot({ path: `${outDir}screenshot-charts.png`, fullPage: true });

    // Live: a task that ends while the page is open is counted within a few ticks (every 5 s).
    // Kept inside one minute: a CI run once missed this tick right at a minute's turn (open question, see the closing note).
    const second = new Date().getUTCSeconds();
    if (second >= 45) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
    await runAndWait([{ name: 'ok live' }]);
    await eventually(async () => expect(await summary(page, 'throughput')).toMatch(/^Last hour: 4 completed, 2 failed/), 30_000, 250);

    // The range is in the URL; the last day has 96 steps of 15 minutes.
    await page.getByRole('link', { name: 'Last day' }).click();
    await page.waitForURL('**/charts?range=24h');
    await eventually(async () => expect(await summary(page, 'throughput')).toMatch(/^Last day: 4 completed, 2 failed, 0 cancelled/));
    expect(await page.getByTestId('chart-throughput').locator('details tbody tr').count()).toBe(96);
    await chartsDrawn(page);
    expect(await page.getByRole('link', { name: 'Last day' }).getAttribute('aria-current')).toBe('page');

    // One kind: the queue is shared, so its chart says so; the counts are the demo kind's.
    await page.getByLabel('Kind').selectOption('demo');
    await page.waitForURL('**/charts?range=24h&kind=demo');
    await eventually(async () => expect(await summary(page, 'queue')).toContain('all kinds only'));
    expect(await summary(page, 'throughput')).toMatch(/^Last day: 4 completed, 2 failed/);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('renders the summaries and tables on the server (no scripts), and fits a 390 px phone', async () => {
    const bare = await browser.newContext({ javaScriptEnabled: false });
    const page = await bare.newPage();
    await page.goto(`${server.url}/charts?range=7d`);
    expect(await summary(page, 'throughput')).toMatch(/^Last week: \d+ completed, 2 failed/);
    expect(await page.getByTestId('chart-queue').locator('details tbody tr').count()).toBe(168);
    expect(await page.locator('.plot canvas').count()).toBe(0); // uPlot draws in the browser only
    await bare.close();

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const small = await phone.newPage();
    await small.goto(`${server.url}/charts`);
    await chartsDrawn(small);
    expect(await small.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const widths = await small.locator('.plot canvas').evaluateAll((canvases) => canvases.map((canvas) => canvas.getBoundingClientRect().width));
    for (const width of widths) expect(width).toBeLessThanOrEqual(390);
    await phone.close();
  }, 60_000);

  it('renders in dark mode, redraws when the colour scheme changes, and resizes with the window', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1100 }, colorScheme: 'dark' });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${server.url}/charts`);
    await chartsDrawn(page);
    const background = () => page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    expect(await background()).toBe('rgb(14, 18, 23)');
    await page.screenshot({ path: `${outDir}screenshot-charts-dark.png`, fullPage: true });

    // The canvas is drawn with the scheme's colours, so a change of scheme draws it anew.
    await page.evaluate("document.querySelectorAll('.plot canvas').forEach((canvas) => canvas.setAttribute('data-old', '1'))");
    await page.emulateMedia({ colorScheme: 'light' });
    await eventually(async () => expect(await page.locator('.plot canvas:not([data-old])').count()).toBe(3));
    expect(await background()).not.toBe('rgb(14, 18, 23)');

    // Resized with its box: a narrower window gives narrower canvases.
    const canvasWidths = () => page.locator('.plot canvas').evaluateAll((canvases) => canvases.map((canvas) => canvas.getBoundingClientRect().width));
    const before = await canvasWidths();
    await page.setViewportSize({ width: 450, height: 1100 });
    await eventually(async () => {
      const after = await canvasWidths();
      after.forEach((width, i) => expect(width).toBeLessThan(Math.min(before[i]! - 20, 450)));
    });
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
