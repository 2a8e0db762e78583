/**
 * The page with tasks in every state (one waiting to retry), captured for the docs (light, dark,
 * phone width), and one task's own page. Also a check that such a page renders all states at once. Writes to test-results/ unless
 * UPDATE_SCREENSHOTS=1, which refreshes docs/screenshot*.png.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RunningTaskMonitor } from '../src-engine/launcher/start-task-monitor.js';
import { browserAvailable, launchBrowser } from './support/browser.js';
import { startServer } from './support/server.js';
import { collectPageErrors, connectionStatus, eventually, progressOf, sessionIdOf, taskCard } from './support/page-helpers.js';

const outDir = fileURLToPath(new URL(process.env['UPDATE_SCREENSHOTS'] === '1' ? '../docs/' : '../test-results/', import.meta.url));

describe.skipIf(!browserAvailable())('screenshots (browser)', () => {
  let browser: Browser;
  let server: RunningTaskMonitor;

  beforeAll(async () => {
    // Two workers: the third task waits in the queue.
    [browser, server] = await Promise.all([launchBrowser(), startServer({ concurrency: 2 })]);
    mkdirSync(outDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows queued, retrying, running, completed, failed and cancelled tasks together', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1250 }, colorScheme: 'light' });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(server.url);
    await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();
    const sessionId = await sessionIdOf(page);
    const start = (name: string, duration: number, parameters: Record<string, unknown> = {}, options: Record<string, unknown> = {}) =>
      page.evaluate(
        async (body) => {
          const response = await fetch('/api/task/start', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
          return response.status;
        },
        { name, duration, clientId: sessionId, parameters, ...options },
      );

    expect(await start('Import customers', 1000)).toBe(200);
    expect(await start('Resize images', 1500, { failAtStep: 4 })).toBe(200);
    expect(await start('Sync invoices', 1000, { failAtStep: 2 }, { maxAttempts: 3, priority: 2 })).toBe(200);
    await page.locator('li.task[data-state="completed"]').waitFor();
    await page.locator('li.task[data-state="failed"]').waitFor();
    // Its first run failed; while it waits out the backoff, long tasks take both workers.
    await taskCard(page, 'Sync invoices').getByText('attempt 2/3').waitFor();
    expect(await start('Nightly report', 20000)).toBe(200);
    expect(await start('Rebuild search index', 30000)).toBe(200);
    expect(await start('Send newsletter', 10000)).toBe(200);
    expect(await start('Archive old logs', 5000)).toBe(200);
    await taskCard(page, 'Archive old logs').getByRole('button', { name: 'Cancel Archive old logs' }).click();
    await page.locator('li.task[data-state="cancelled"]').waitFor();
    await eventually(async () => expect(await progressOf(taskCard(page, 'Nightly report'))).toBeGreaterThanOrEqual(30), 20_000);

    for (const state of ['queued', 'running', 'completed', 'failed', 'cancelled']) {
      expect(await page.locator(`li.task[data-state="${state}"]`).count(), state).toBeGreaterThan(0);
    }
    // The Cancel above left the focus on that task's state (on purpose); the picture needs no ring.
    await page.evaluate('document.activeElement?.blur()');
    await page.screenshot({ path: `${outDir}screenshot.png` });

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: `${outDir}screenshot-dark.png` });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'light' });
    // The top of the page: on a phone the tasks come first, the form one tap away.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: `${outDir}screenshot-mobile.png` });
    // No horizontal scrolling at phone width.
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);

    // A task's own page: the one that failed once and was retried, with its attempts and timeline.
    await page.setViewportSize({ width: 1280, height: 1000 });
    const retried = await taskCard(page, 'Sync invoices').getAttribute('data-task-id');
    await page.goto(`${server.url}/tasks/${retried}`);
    await page.getByTestId('task-live').getByText('Live').waitFor();
    await page.getByTestId('attempts').waitFor();
    await page.screenshot({ path: `${outDir}screenshot-task.png`, fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });
});
