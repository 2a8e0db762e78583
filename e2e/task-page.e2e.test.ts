/**
 * A task's own page (/tasks/:id): reached from its card, rendered on the server, live while the
 * task runs (progress, state, timeline, attempts), and shareable as a URL under the API's rules.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningTaskMonitor } from '../src-engine/launcher/start-task-monitor.js';
import { browserAvailable, launchBrowser } from './support/browser.js';
import { startServer } from './support/server.js';
import { collectPageErrors, connectionStatus, eventually, sessionIdOf, startTaskFromForm, startTaskViaApi, taskCard } from './support/page-helpers.js';

describe.skipIf(!browserAvailable())('task page (browser)', () => {
  let browser: Browser;
  let server: RunningTaskMonitor;
  let contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startServer({ concurrency: 4 })]);
  });

  afterEach(async () => {
    await Promise.all(contexts.map((context) => context.close().catch(() => {})));
    contexts = [];
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function newPage(viewport = { width: 1280, height: 900 }): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    return { page, errors: collectPageErrors(page) };
  }

  const timelineStates = (page: Page) => page.getByTestId('timeline').locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-state')));

  it('opens from the card and follows the task live to the end: progress, state, timeline and attempts', async () => {
    const { page, errors } = await newPage();
    await page.goto(server.url);
    await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();
    await startTaskFromForm(page, 'Watched closely', 5000);
    const card = taskCard(page, 'Watched closely');
    await card.waitFor();
    const id = await card.getAttribute('data-task-id');
    await card.getByRole('link', { name: 'Details of Watched closely' }).click();
    await page.waitForURL(`**/tasks/${id}`);
    await page.getByRole('heading', { level: 1, name: 'Watched closely' }).waitFor();
    await page.getByTestId('task-live').getByText('Live').waitFor();
    expect(await page.getByTestId('task-kind').textContent()).toBe('demo');
    expect(JSON.parse((await page.getByTestId('task-parameters').textContent()) ?? '{}')).toMatchObject({ duration: 5000 });

    // Live: progress moves while the page is open, then the task completes.
    const seen = new Set<string>();
    await eventually(async () => {
      seen.add((await page.getByTestId('task-progress').textContent()) ?? '');
      expect(await page.getByTestId('task-state').textContent()).toContain('Completed');
    }, 20_000, 100);
    expect([...seen].filter((p) => p !== '0%' && p !== '100%').length).toBeGreaterThan(0);
    expect(await page.getByTestId('task-progress').textContent()).toBe('100%');
    expect(await timelineStates(page)).toEqual(['queued', 'running', 'completed']);
    expect(await page.getByTestId('attempts').locator('tbody tr').count()).toBe(1);
    expect(await page.getByTestId('attempts').locator('tbody tr td').nth(3).textContent()).toBe('Completed');
    expect(await page.getByTestId('task-outcome').textContent()).toContain("Task 'Watched closely' completed successfully");
    // The slot where the task's log will show.
    expect(await page.locator('[data-slot="task-log"]').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('is rendered on the server, shareable with the owner, with a failed attempt retried in its timeline', async () => {
    const { page: first } = await newPage();
    await first.goto(server.url);
    await connectionStatus(first).getByText('Connected', { exact: true }).waitFor();
    const sessionId = await sessionIdOf(first);
    const id = await startTaskViaApi(server.url, sessionId, { name: 'Flaky share', duration: 1000, parameters: { failAtStep: 2 }, maxAttempts: 2 });

    // Another browser on this machine (the owner) opens the shared URL: the first HTML has it all.
    const { page, errors } = await newPage();
    const response = await page.goto(`${server.url}/tasks/${id}`);
    expect(response?.status()).toBe(200);
    const html = await response!.text();
    expect(html).toContain('Flaky share');
    await page.getByTestId('task-live').getByText('Live').waitFor();
    await eventually(async () => expect(await page.getByTestId('task-state').textContent()).toContain('Failed'), 20_000);
    await eventually(async () => expect(await timelineStates(page)).toEqual(['queued', 'running', 'queued', 'running', 'failed']), 5_000);
    const outcomes = await page.getByTestId('attempts').locator('tbody tr td:nth-child(4)').allTextContents();
    expect(outcomes).toEqual(['Failed, retried', 'Failed']);
    expect(errors).toEqual([]);
  });

  it('answers 404 for a task that does not exist (or is not the viewer’s)', async () => {
    const { page } = await newPage();
    const response = await page.goto(`${server.url}/tasks/no-such-task`);
    expect(response?.status()).toBe(404);
    expect(await page.textContent('body')).toContain('No task with this id in this session');
  });

  it('fits a 390 px phone without sideways scrolling', async () => {
    const { page } = await newPage({ width: 390, height: 844 });
    await page.goto(server.url);
    await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();
    const id = await startTaskViaApi(server.url, await sessionIdOf(page), { name: 'Phone detail', duration: 1000 });
    await page.goto(`${server.url}/tasks/${id}`);
    await page.getByRole('heading', { level: 1, name: 'Phone detail' }).waitFor();
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  });
});
