/**
 * Fixes found by looking at the page: where the focus goes after Cancel, the log's order, the
 * card's action row at 1280 px, tasks before the form on a phone, the failure choice that must
 * not stick, the compact list, and counts that cover more tasks than the page holds.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningTaskMonitor } from '../src-engine/launcher/start-task-monitor.js';
import { browserAvailable, launchBrowser } from './support/browser.js';
import { startServer } from './support/server.js';
import { collectPageErrors, connectionStatus, counter, eventually, sessionIdOf, startTaskFromForm, startTaskViaApi, taskCard, tasksViaApi } from './support/page-helpers.js';

describe.skipIf(!browserAvailable())('UI fixes (browser)', () => {
  let browser: Browser;
  let server: RunningTaskMonitor;
  let contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startServer({ concurrency: 16 })]);
  });

  afterEach(async () => {
    await Promise.all(contexts.map((context) => context.close().catch(() => {})));
    contexts = [];
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openSession(viewport = { width: 1280, height: 900 }, path = '/'): Promise<{ page: Page; errors: string[]; sessionId: string }> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(new URL(path, server.url).href);
    await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();
    return { page, errors, sessionId: await sessionIdOf(page) };
  }

  it('after Cancel by keyboard, moves the focus to the task state, so a second Enter deletes nothing', async () => {
    const { page, errors, sessionId } = await openSession();
    await startTaskViaApi(server.url, sessionId, { name: 'Careful', duration: 20_000 });
    const card = taskCard(page, 'Careful');
    await page.locator('li.task[data-state="running"]').waitFor();
    await card.getByRole('button', { name: 'Cancel Careful' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('li.task[data-state="cancelled"]').waitFor();
    await eventually(async () => expect(await page.evaluate<string>('document.activeElement?.dataset?.testid ?? document.activeElement?.tagName')).toBe('task-state'));
    expect(await page.evaluate<string>("document.activeElement?.closest('li.task')?.querySelector('h3')?.textContent ?? ''")).toBe('Careful');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    // Nothing was deleted or retried: the task is still there, still cancelled, on the server too.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await card.getAttribute('data-state')).toBe('cancelled');
    expect((await tasksViaApi(server.url, sessionId)).map((task) => task.state)).toEqual(['cancelled']);
    // The event log tells it in order: requested, then cancelled (newest first on screen).
    const log = await page.locator('.entries li .text').allTextContents();
    const requested = log.indexOf('Cancel requested for "Careful"');
    const cancelled = log.indexOf('Task "Careful" cancelled');
    expect(requested).toBeGreaterThan(-1);
    expect(cancelled).toBeGreaterThan(-1);
    expect(cancelled).toBeLessThan(requested);
    expect(errors).toEqual([]);
  });

  it('keeps Retry and Delete on the card’s first row, aligned from card to card, at 1280 px', async () => {
    const { page, sessionId } = await openSession({ width: 1280, height: 900 });
    await startTaskViaApi(server.url, sessionId, { name: 'A rather long task name that takes room', duration: 1000, parameters: { failAtStep: 1 } });
    await startTaskViaApi(server.url, sessionId, { name: 'Short', duration: 1000, parameters: { failAtStep: 1 } });
    await eventually(async () => expect(await page.locator('li.task[data-state="failed"]').count()).toBe(2));
    const rows: { retry: number; del: number; badgeMid: number; right: number; cardRight: number; retryX: number }[] = [];
    for (const name of ['A rather long task name that takes room', 'Short']) {
      const card = taskCard(page, name);
      const [retry, del, badge, box, title] = await Promise.all([
        card.getByRole('button', { name: `Retry ${name}` }).boundingBox(),
        card.getByRole('button', { name: `Delete ${name}` }).boundingBox(),
        card.getByTestId('task-state').boundingBox(),
        card.boundingBox(),
        card.getByRole('heading', { name }).boundingBox(),
      ]);
      if (!retry || !del || !badge || !box || !title) throw new Error('a card part is not laid out');
      rows.push({ retry: retry.y, del: del.y, badgeMid: badge.y + badge.height / 2, right: del.x + del.width, cardRight: box.x + box.width, retryX: retry.x });
      // Same row as the name and the state, not a row of their own.
      expect(Math.abs(retry.y - del.y)).toBeLessThan(1);
      expect(badge.y + badge.height / 2).toBeGreaterThan(retry.y);
      expect(badge.y + badge.height / 2).toBeLessThan(retry.y + retry.height);
      expect(title.y + title.height / 2).toBeGreaterThan(retry.y);
      expect(title.y + title.height / 2).toBeLessThan(retry.y + retry.height);
      expect(del.x + del.width).toBeLessThanOrEqual(box.x + box.width);
      // No overlap between the two buttons.
      expect(retry.x + retry.width).toBeLessThanOrEqual(del.x);
    }
    // The buttons line up from card to card.
    expect(Math.abs(rows[0]!.retryX - rows[1]!.retryX)).toBeLessThan(1);
  });

  it('on a 390 px phone shows the tasks first, with the form one tap away', async () => {
    const { page, sessionId } = await openSession({ width: 390, height: 844 });
    await startTaskViaApi(server.url, sessionId, { name: 'Phone task', duration: 1000 });
    await taskCard(page, 'Phone task').waitFor();
    const tasks = await page.locator('#tasks-heading').boundingBox();
    const form = await page.locator('#form-heading').boundingBox();
    if (!tasks || !form) throw new Error('headings not laid out');
    expect(tasks.y).toBeLessThan(form.y);
    expect(tasks.y).toBeLessThan(400);
    const card = await taskCard(page, 'Phone task').boundingBox();
    expect(card!.y + card!.height).toBeLessThan(844);
    await page.getByRole('link', { name: '+ Start a task' }).click();
    expect(await page.evaluate<string>('document.activeElement?.id ?? ""')).toBe('task-name');
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  });

  it('resets "Simulate a failure" after a task is started with it', async () => {
    const { page } = await openSession();
    await startTaskFromForm(page, 'Fails once', 1000, 3);
    await taskCard(page, 'Fails once').waitFor();
    expect(await page.getByLabel('Simulate a failure').inputValue()).toBe('');
    await startTaskFromForm(page, 'Runs through', 1000);
    await eventually(async () => expect(await taskCard(page, 'Runs through').getAttribute('data-state')).toBe('completed'), 15_000);
    await eventually(async () => expect(await taskCard(page, 'Fails once').getAttribute('data-state')).toBe('failed'), 15_000);
  });

  it('counts every task of the session, not only the 200 the page holds, pages through those 200, and lists many in a compact view', async () => {
    const { page, errors, sessionId } = await openSession({ width: 1440, height: 900 });
    // 205 tasks that fail at once; the session may queue 200 at a time, so in two rounds.
    for (const round of [100, 105]) {
      await Promise.all(Array.from({ length: round }, (_, i) => startTaskViaApi(server.url, sessionId, { name: `Bulk ${round}-${i}`, duration: 1000, parameters: { failAtStep: 1 } })));
      await eventually(async () => expect((await tasksViaApi(server.url, sessionId, '&state=queued&limit=1000')).length + (await tasksViaApi(server.url, sessionId, '&state=running')).length).toBe(0), 30_000);
    }
    await eventually(async () => expect(await counter(page, 'failed')).toBe(205), 15_000);
    await page.reload();
    await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();
    // The page holds the newest 200 and draws one page of them at a time (not 200 cards).
    const pager = page.getByTestId('task-pager');
    await eventually(async () => expect(await pager.locator('.range').textContent()).toBe('1–10 of 200'));
    expect(await page.locator('li.task').count()).toBe(10);
    expect(await page.getByTestId('list-summary').textContent()).toBe('Showing the newest 200 of 205 tasks');
    expect(await counter(page, 'failed')).toBe(205);
    expect(await counter(page, 'all')).toBe(205);
    // Every one of the 200 is reachable: turning pages in place, and from a link (?page=20, rendered by the server).
    await pager.getByRole('link', { name: 'Older ›' }).click();
    expect(await pager.locator('.range').textContent()).toBe('11–20 of 200');
    expect(new URL(page.url()).searchParams.get('page')).toBe('2');
    await page.goto(`${server.url}/?page=20`);
    expect(await pager.locator('.range').textContent()).toBe('191–200 of 200');
    await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();
    await eventually(async () => expect(await page.locator('li.task').count()).toBe(10));
    expect(await pager.locator('.range').textContent()).toBe('191–200 of 200');
    await page.goto(server.url);
    await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();

    // The compact list shows many more tasks on one screen than cards do, and the URL keeps it.
    const inView = () => page.evaluate<number>(`document.querySelector('ol.list').scrollIntoView({ block: 'start' }); [...document.querySelectorAll('li.task')].filter((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }).length`);
    const cards = await inView();
    await page.getByRole('button', { name: 'Compact list' }).click();
    expect(await page.getByRole('button', { name: 'Compact list' }).getAttribute('aria-pressed')).toBe('true');
    expect(new URL(page.url()).searchParams.get('view')).toBe('compact');
    const compact = await inView();
    expect(compact).toBeGreaterThanOrEqual(18);
    expect(compact).toBeGreaterThan(cards * 2);
    await page.reload();
    await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();
    await eventually(async () => expect(await pager.locator('.range').textContent()).toBe('1–25 of 200'));
    expect(await page.locator('li.task.compact').count()).toBe(25);
    expect(errors).toEqual([]);
  });
});
