/**
 * The owner's console in a real browser: "All tasks" shows every session's tasks (a task started
 * by a script under another session appears live), filters by session in the URL, rendered on the
 * server, and bulk actions on the selection or on everything matching the filter.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningTaskMonitor } from '../src-engine/launcher/start-task-monitor.js';
import { browserAvailable, launchBrowser } from './support/browser.js';
import { startServer } from './support/server.js';
import { collectPageErrors, connectionStatus, counter, eventually, shownNames, startTaskViaApi, taskCard } from './support/page-helpers.js';

interface ListedTask {
  id: string;
  name: string;
  state: string;
  clientId: string;
  completedAt: string | null;
}

describe.skipIf(!browserAvailable())('owner console (browser)', () => {
  let browser: Browser;
  let server: RunningTaskMonitor;
  let contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startServer({ concurrency: 8 })]);
  });

  afterEach(async () => {
    await Promise.all(contexts.map((context) => context.close().catch(() => {})));
    contexts = [];
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(path: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(new URL(path, server.url).href);
    await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();
    return { page, errors };
  }

  async function allTasks(query = ''): Promise<ListedTask[]> {
    return ((await (await fetch(`${server.url}/api/tasks?all=1&limit=1000${query}`)).json()) as { items: ListedTask[] }).items;
  }

  it('shows a task started by a script under another session in "All tasks", live, and filters by session on the server', async () => {
    const { page, errors } = await open('/');
    expect(await page.getByRole('link', { name: 'All tasks' }).count()).toBe(1);
    await page.getByRole('link', { name: 'All tasks' }).click();
    await page.waitForURL(/scope=all/);
    await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'All tasks' }).getAttribute('aria-current')).toBe('page');

    await startTaskViaApi(server.url, 'curl-session', { name: 'Started by curl', duration: 1000 });
    await startTaskViaApi(server.url, 'other-script', { name: 'Another script', duration: 1000 });
    const card = taskCard(page, 'Started by curl');
    await card.waitFor();
    await eventually(async () => expect(await card.getAttribute('data-state')).toBe('completed'), 15_000);
    expect(await card.locator('.session').textContent()).toContain('…');

    // The session filter is in the URL, and the first HTML already holds only that session's tasks.
    await page.getByLabel('Session').fill('curl-session');
    await page.getByLabel('Session').press('Enter');
    await eventually(async () => expect(await shownNames(page)).toEqual(['Started by curl']));
    expect(new URL(page.url()).searchParams.get('session')).toBe('curl-session');
    // The counts follow the session filter, as the server counts it.
    await eventually(async () => expect([await counter(page, 'all'), await counter(page, 'completed')]).toEqual([1, 1]));
    const html = await (await page.context().request.get(page.url(), { headers: { Accept: 'text/html' } })).text();
    const cards = [...html.matchAll(/<h3 class="name[^"]*"[^>]*>([^<]*)<\/h3>/g)].map((match) => match[1]);
    expect(cards).toEqual(['Started by curl']);

    // My session shows none of them.
    await page.getByRole('link', { name: 'My session' }).click();
    await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();
    expect(await taskCard(page, 'Started by curl').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('retries every failed task matching the filter after a confirmation with the count, and deletes a selection', async () => {
    for (const [i, session] of ['bulk-a', 'bulk-b', 'bulk-c'].entries()) {
      await startTaskViaApi(server.url, session, { name: `Flaky ${i}`, duration: 1000, parameters: { failAtStep: 10 } });
    }
    await eventually(async () => expect((await allTasks('&state=failed&q=Flaky')).length).toBe(3), 20_000);
    const before = new Map((await allTasks('&q=Flaky')).map((task) => [task.id, task.completedAt]));

    const { page, errors } = await open('/?scope=all&state=failed&q=Flaky');
    expect((await shownNames(page)).sort()).toEqual(['Flaky 0', 'Flaky 1', 'Flaky 2']);
    const bulk = page.getByTestId('bulk-actions');
    await bulk.getByRole('button', { name: 'Retry all…' }).click();
    await bulk.getByText('Retry all 3 tasks matching the filter?').waitFor();
    await bulk.getByRole('button', { name: 'Retry 3 tasks' }).click();
    await bulk.getByText('Retried 3 of 3 tasks.').waitFor();
    // Each of them ran again (a new end time), in whichever session it belongs to.
    await eventually(async () => {
      const after = await allTasks('&q=Flaky');
      for (const task of after) expect(task.state === 'failed' && task.completedAt === before.get(task.id)).toBe(false);
    }, 20_000);
    await eventually(async () => expect((await allTasks('&state=failed&q=Flaky')).length).toBe(3), 20_000);

    // A selection: tick one card, delete it after confirming.
    await page.getByRole('checkbox', { name: 'Select Flaky 1' }).check();
    await bulk.getByText('1 selected').waitFor();
    await bulk.getByRole('button', { name: 'Delete selected' }).click();
    await bulk.getByText('Delete the 1 task selected?').waitFor();
    await bulk.getByRole('button', { name: 'Delete 1 task' }).click();
    await bulk.getByText('Deleted 1 of 1 task.').waitFor();
    await taskCard(page, 'Flaky 1').waitFor({ state: 'detached' });
    expect((await allTasks('&q=Flaky')).map((task) => task.name).sort()).toEqual(['Flaky 0', 'Flaky 2']);
    expect(errors).toEqual([]);
  });
});
