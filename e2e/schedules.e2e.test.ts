/**
 * The schedules view and queue control in Chromium: a schedule made from the form (the expression in
 * words, its next runs, inline errors from the server's preview), run now, its runs in the task list
 * and as its last run, disabled; a delayed task's countdown; a paused queue and a waiting task.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningTaskMonitor } from '../src-engine/launcher/start-task-monitor.js';
import { browserAvailable, launchBrowser } from './support/browser.js';
import { startServer } from './support/server.js';
import { collectPageErrors, connectionStatus, eventually, sessionIdOf, taskCard, tasksViaApi } from './support/page-helpers.js';

const outDir = fileURLToPath(new URL(process.env['UPDATE_SCREENSHOTS'] === '1' ? '../docs/' : '../test-results/', import.meta.url));

describe.skipIf(!browserAvailable())('schedules and queue control (browser)', () => {
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

  async function newPage(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, timezoneId: 'UTC' });
    contexts.push(context);
    const page = await context.newPage();
    return { page, errors: collectPageErrors(page) };
  }

  const card = (page: Page, name: string) => page.locator('li.schedule', { has: page.getByRole('heading', { name, exact: true }) });

  it('creates a schedule from the form, runs it now, shows its runs, edits, disables and deletes it', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${server.url}/schedules`);
    await page.getByRole('heading', { level: 1, name: 'Schedules' }).waitFor();
    await page.getByTestId('schedules-live').getByText('Live', { exact: true }).waitFor();

    // The server's preview judges the expression: its message shows at the field.
    const cron = page.getByLabel('Cron expression');
    await cron.fill('0 25 * * *');
    await page.getByTestId('cron-error').getByText(/hour/i).waitFor();
    expect(await cron.getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Name').fill('Heartbeat');
    await page.getByLabel(/^Duration/).fill('1000');
    await cron.fill('*/2 * * * * *');
    await page.getByLabel('Time zone').fill('UTC');
    await page.getByTestId('cron-words').getByText('Every 2 seconds').waitFor();
    await eventually(async () => expect(await page.getByTestId('cron-preview').locator('ol li').count()).toBe(3));
    expect(await page.getByTestId('cron-error').textContent()).toBe('');
    await page.getByLabel('If the last run is still going').selectOption('allow');
    await page.getByRole('button', { name: 'Create schedule' }).click();

    const heartbeat = card(page, 'Heartbeat');
    await heartbeat.waitFor();
    expect(await heartbeat.getByTestId('schedule-words').textContent()).toBe('Every 2 seconds');
    expect(await heartbeat.getByTestId('next-runs').locator('li').count()).toBe(3);

    await heartbeat.getByRole('button', { name: 'Run now' }).click();
    await heartbeat.getByText('Started a run').waitFor();
    // The last run: a link to its task, with its state, kept live until it completes.
    const lastRun = heartbeat.getByTestId('last-run');
    await lastRun.getByRole('link').waitFor();
    await eventually(async () => expect(await lastRun.textContent()).toContain('Completed'), 20_000);
    const href = await lastRun.getByRole('link').getAttribute('href');
    expect(href).toMatch(/^\/tasks\//);
    await page.screenshot({ path: `${outDir}screenshot-schedules.png`, fullPage: true });

    // The runs are tasks of this browser's session: they show in its list.
    await page.getByRole('link', { name: '← Tasks' }).click();
    await page.waitForURL(`${server.url}/`);
    await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();
    await eventually(async () => expect(await page.locator('li.task', { has: page.getByRole('heading', { name: 'Heartbeat', exact: true }) }).count()).toBeGreaterThanOrEqual(2), 20_000);
    const sessionId = await sessionIdOf(page);

    // Edited in place: the new expression is checked, saved and described.
    await page.getByRole('link', { name: 'Schedules' }).click();
    await page.waitForURL(`${server.url}/schedules`);
    await card(page, 'Heartbeat').getByRole('button', { name: 'Edit' }).click();
    const editForm = card(page, 'Heartbeat').locator('form');
    await editForm.getByLabel('Cron expression').fill('*/3 * * * * *');
    await editForm.getByTestId('cron-words').getByText('Every 3 seconds').waitFor();
    await editForm.getByRole('button', { name: 'Save' }).click();
    await eventually(async () => expect(await card(page, 'Heartbeat').getByTestId('schedule-words').textContent()).toBe('Every 3 seconds'));
    await eventually(async () => expect(await page.evaluate<string>('document.activeElement?.textContent ?? ""')).toBe('Edit'));

    // Disabled: no more runs.
    await card(page, 'Heartbeat').getByRole('switch', { name: 'Enabled: Heartbeat' }).uncheck();
    await card(page, 'Heartbeat').getByText('None while disabled.').waitFor();
    const runs = async () => (await tasksViaApi(server.url, sessionId)).filter((task) => task.name === 'Heartbeat').length;
    const before = await runs();
    await new Promise((resolve) => setTimeout(resolve, 4500));
    expect(await runs()).toBe(before);

    // Deleting asks first.
    await card(page, 'Heartbeat').getByRole('button', { name: 'Delete' }).click();
    await card(page, 'Heartbeat').getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('no-schedules').waitFor();
    expect(errors).toEqual([]);
  }, 90_000);

  it('shows a delayed task’s countdown, then runs it', async () => {
    const { page, errors } = await newPage();
    await page.goto(server.url);
    await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();
    await page.getByLabel('Task name').fill('Later on');
    await page.getByLabel(/^Duration/).fill('1000');
    await page.getByLabel('When to run').selectOption('delay');
    await page.getByLabel('Delay in minutes').fill('0.1');
    await page.getByRole('button', { name: 'Start task' }).click();
    const task = taskCard(page, 'Later on');
    await task.waitFor();
    await eventually(async () => {
      expect(await task.getAttribute('data-state')).toBe('scheduled');
      expect(await task.locator('.status').textContent()).toMatch(/^Runs in \d s, at \d\d:\d\d:\d\d$/);
    });
    await eventually(async () => expect(await task.getAttribute('data-state')).toBe('completed'), 30_000);
    expect(errors).toEqual([]);
  }, 60_000);

  it('pauses the queue: a new task waits with "paused" until Resume in the header', async (context) => {
    // Queue control (GET /api/queue) comes with the schedules branch's backend; without it there is nothing to drive.
    if (!(await fetch(`${server.url}/api/queue`)).ok) context.skip();
    const { page, errors } = await newPage();
    await page.goto(`${server.url}/schedules`);
    await page.getByRole('button', { name: 'Pause the queue' }).click();
    await page.getByTestId('queue-state').getByText(/Paused/).waitFor();
    await page.getByRole('link', { name: '← Tasks' }).click();
    await page.waitForURL(`${server.url}/`);
    const badge = page.getByTestId('queue-paused');
    await badge.getByText('Queue paused').waitFor();
    await page.getByLabel('Task name').fill('Held back');
    await page.getByLabel(/^Duration/).fill('1000');
    await page.getByRole('button', { name: 'Start task' }).click();
    const task = taskCard(page, 'Held back');
    await eventually(async () => expect(await task.locator('.status').textContent()).toBe('Waiting: paused'));
    await badge.getByRole('button', { name: 'Resume' }).click();
    await badge.waitFor({ state: 'detached' });
    await eventually(async () => expect(await task.getAttribute('data-state')).toBe('completed'), 20_000);
    expect(errors).toEqual([]);
  }, 60_000);
});

mkdirSync(outDir, { recursive: true });
