/**
 * Jobs in the browser: pick a job of the owner's jobs file, fill the form rendered from its
 * parameter schema (a bad value is refused inline), start it, watch its log lines arrive live on
 * the card (stdout and stderr told apart, ANSI colours rendered, never raw), search the log,
 * download it, and find the same log on the task's page.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Duplex } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { Browser } from 'playwright-core';
import type { RunningTaskMonitor } from '../src-engine/launcher/start-task-monitor.js';
import { browserAvailable, launchBrowser } from './support/browser.js';
import { startServer } from './support/server.js';
import { collectPageErrors, connectionStatus, eventually, sessionIdOf, startTaskViaApi, taskCard } from './support/page-helpers.js';

/** Where the screenshot of a live log goes: docs/ with UPDATE_SCREENSHOTS=1, else test-results/. */
const outDir = fileURLToPath(new URL(process.env['UPDATE_SCREENSHOTS'] === '1' ? '../docs/' : '../test-results/', import.meta.url));

/** A slow talker: progress lines, stdout with a colour code, stderr, one line every `delay` ms. */
const SCRIPT = `
const [count, label, delay] = [Number(process.argv[2]), process.argv[3], Number(process.argv[4])];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
console.log('::progress 5 Warming up');
console.log('hello ' + label + ' \\u001b[32mgreen\\u001b[0m on stdout');
console.error('warning: something odd on stderr');
for (let i = 1; i <= count; i++) {
  await sleep(delay);
  console.log('::progress ' + Math.round((i / count) * 100) + ' Step ' + i + ' of ' + count);
  console.log('line ' + i + ' of ' + count);
}
console.log('::result all ' + count + ' lines written');
`;

/** The jobs file: one job, `talk`, running SCRIPT; `maxLines` bounds its `count` parameter. */
const jobsFile = (maxLines = 50) => ({
  jobs: {
    talk: {
      title: 'Slow talker',
      description: 'Writes a line every so often, on stdout and stderr',
      command: [process.execPath, 'talk.mjs', '{count}', '{label}', '{delayMs}'],
      parameters: {
        count: { type: 'integer', title: 'Lines', minimum: 1, maximum: maxLines, default: Math.min(8, maxLines) },
        label: { type: 'string', title: 'Label', description: 'Lower-case letters only', pattern: '^[a-z]+$', required: true },
        delayMs: { type: 'integer', title: 'Pause (ms)', minimum: 0, maximum: 5000, default: 700 },
      },
      timeoutMs: 120000,
    },
    flood: {
      title: 'Flood',
      command: [process.execPath, 'flood.mjs', '{lines}'],
      parameters: { lines: { type: 'integer', minimum: 1, maximum: 100000, required: true } },
    },
  },
});

describe.skipIf(!browserAvailable())('jobs (browser)', () => {
  let browser: Browser;
  let server: RunningTaskMonitor;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jobs-e2e-'));
    writeFileSync(join(dir, 'talk.mjs'), SCRIPT);
    writeFileSync(join(dir, 'flood.mjs'), "for (let i = 1; i <= Number(process.argv[2]); i++) console.log('flood ' + i);\n");
    writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobsFile()));
    [browser, server] = await Promise.all([launchBrowser(), startServer({ concurrency: 2, jobs: join(dir, 'jobs.json') })]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('picks a job, checks its form inline, and shows its log live: streams apart, colours rendered, search, download, task page', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(server.url);
    await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();

    // The picker lists the job with its title; choosing it shows its description and its form.
    await page.getByLabel('Job').selectOption({ label: 'Slow talker' });
    expect(await page.getByTestId('job-description').textContent()).toContain('Writes a line every so often');
    expect(await page.getByLabel(/^Duration/).count()).toBe(0);
    expect(await page.getByLabel(/^Lines/).inputValue()).toBe('8');
    expect(await page.getByText('Lower-case letters only').count()).toBe(1);

    // A bad value is refused next to its field, before anything is sent.
    await page.getByLabel('Task name').fill('Talking job');
    await page.getByLabel(/^Label/).fill('Not OK!');
    await page.getByRole('button', { name: 'Start task' }).click();
    await page.locator('#job-param-label-error').getByText('Must match the pattern ^[a-z]+$.').waitFor();
    expect(await page.getByLabel(/^Label/).getAttribute('aria-invalid')).toBe('true');
    expect(await taskCard(page, 'Talking job').count()).toBe(0);

    // Corrected, it starts; the card names the job.
    await page.getByLabel(/^Label/).fill('alpha');
    expect(await page.locator('#job-param-label-error').textContent()).toBe('');
    await page.getByRole('button', { name: 'Start task' }).click();
    const card = taskCard(page, 'Talking job');
    await card.waitFor();
    await card.locator('.meta.job').getByText('talk').waitFor();

    // The log opens on the card and lines arrive while the task runs.
    await card.getByTestId('log-toggle').click();
    const log = card.getByTestId('task-log');
    const lines = log.locator('li.line');
    await log.locator('li.line[data-stream="stderr"]').waitFor({ timeout: 20_000 });
    const seenWhileRunning = await eventually(async () => {
      const n = await lines.count();
      expect(await card.getAttribute('data-state')).toBe('running');
      expect(n).toBeGreaterThanOrEqual(3);
      // Instead of "Working…", a running job's card shows its latest log line.
      expect(await card.locator('.outcome .pending').textContent()).toMatch(/^(warning: something odd on stderr|line \d of 8)$/);
      return n;
    }, 20_000, 50);
    await eventually(async () => expect(await lines.count()).toBeGreaterThan(seenWhileRunning), 20_000);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${outDir}screenshot-jobs.png` });

    // stdout and stderr differ in text, not only colour; the colour code is rendered, never shown raw.
    const stderr = log.locator('li.line[data-stream="stderr"]');
    expect(await stderr.locator('.marker').textContent()).toBe('err');
    expect(await stderr.locator('.text').textContent()).toBe('warning: something odd on stderr');
    const hello = log.locator('li.line', { hasText: 'hello alpha' });
    expect(await hello.locator('.marker').textContent()).toBe('out');
    expect(await hello.locator('.text').textContent()).toBe('hello alpha green on stdout');
    expect(await hello.locator('span.fg-2').textContent()).toBe('green');
    expect(await log.textContent()).not.toContain('[32m');

    // The task ends with every line there once, in order.
    await eventually(async () => expect(await card.getAttribute('data-state')).toBe('completed'), 30_000);
    await eventually(async () => expect(await lines.count()).toBe(10), 10_000);
    const texts = await log.locator('li.line .text').allTextContents();
    expect(texts.slice(2)).toEqual(Array.from({ length: 8 }, (_, i) => `line ${i + 1} of 8`));

    // Search highlights and counts.
    await log.getByTestId('log-search').fill('LINE 3');
    await log.getByTestId('log-search-count').getByText('1 match').waitFor();
    expect(await log.locator('mark').allTextContents()).toEqual(['line 3']);
    // Enter goes to the match (and stops following); Escape clears the search.
    expect(await log.getByTestId('log-follow').getAttribute('aria-pressed')).toBe('true');
    await log.getByTestId('log-search').press('Enter');
    await log.locator('li.line.current').getByText('line 3 of 8').waitFor();
    expect(await log.getByTestId('log-follow').getAttribute('aria-pressed')).toBe('false');
    expect(await log.getByTestId('log-follow').textContent()).toContain('Follow');
    await log.getByTestId('log-search').press('Escape');
    expect(await log.getByTestId('log-search').inputValue()).toBe('');
    expect(await log.locator('mark').count()).toBe(0);
    await log.getByTestId('log-search').fill('of');
    await log.getByTestId('log-search-count').getByText('8 matches').waitFor();

    // Download: the whole log as text.
    const [download] = await Promise.all([page.waitForEvent('download'), log.getByTestId('log-download').click()]);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toContain('stderr    warning: something odd on stderr');
    expect(text).toContain('line 8 of 8');

    // The task's page shows the same log (stored lines, after the fact).
    const id = await card.getAttribute('data-task-id');
    await page.goto(`${server.url}/tasks/${id}`);
    const pageLog = page.locator('[data-slot="task-log"]').getByTestId('task-log');
    await eventually(async () => expect(await pageLog.locator('li.line').count()).toBe(10), 15_000);
    expect(await pageLog.locator('li.line[data-stream="stderr"] .marker').textContent()).toBe('err');
    expect(await page.getByRole('region', { name: 'Lines of the log of Talking job' }).getAttribute('aria-live')).toBe('off');

    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it("shows a server refusal next to the parameter it names, and the jobs file's problem to the owner", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(server.url);
    await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();
    const jobsNow = async () => (await (await fetch(`${server.url}/api/jobs`)).json()) as { jobs: { parameterSchema: { properties: { count: { maximum: number } } } }[]; error: string | null };
    try {
      // The owner narrows the job after the page loaded: the page's form still allows 10 lines.
      writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobsFile(3)));
      await eventually(async () => expect((await jobsNow()).jobs[0]!.parameterSchema.properties.count.maximum).toBe(3), 15_000, 200);
      await page.getByLabel('Job').selectOption({ label: 'Slow talker' });
      await page.getByLabel('Task name').fill('Too many lines');
      await page.getByLabel(/^Label/).fill('beta');
      await page.getByLabel(/^Lines/).fill('10');
      await page.getByRole('button', { name: 'Start task' }).click();
      await page.locator('#job-param-count-error').getByText("Parameter 'count' must be <= 3").waitFor();
      expect(await page.getByLabel(/^Lines/).getAttribute('aria-invalid')).toBe('true');
      expect(await taskCard(page, 'Too many lines').count()).toBe(0);

      // An invalid edit keeps the last good jobs; the owner sees why above the form.
      writeFileSync(join(dir, 'jobs.json'), JSON.stringify({ jobs: { talk: { title: 'No command' } } }));
      await eventually(async () => expect((await jobsNow()).error).not.toBeNull(), 15_000, 200);
      await page.reload();
      const problem = page.getByTestId('jobs-error');
      await problem.waitFor();
      expect(await problem.textContent()).toContain('The jobs file has a problem');
      expect(await page.getByLabel('Job').locator('option').allTextContents()).toEqual(['Demo: simulated work', 'Slow talker', 'Flood']);
      expect(errors).toEqual([]);
    } finally {
      writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobsFile()));
      await context.close();
    }
  }, 90_000);

  it('resubscribes after its socket drops mid-task, from the last line it holds: no line lost, none twice', async () => {
    const upgraded: Duplex[] = [];
    const onUpgrade = (_request: IncomingMessage, socket: Duplex) => void upgraded.push(socket);
    server.app.server.on('upgrade', onUpgrade);
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    try {
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      // What each of the page's sockets asked for.
      const sent: string[][] = [];
      page.on('websocket', (socket) => {
        const frames: string[] = [];
        sent.push(frames);
        socket.on('framesent', ({ payload }) => frames.push(String(payload)));
      });
      await page.goto(server.url);
      await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();
      const sessionId = await sessionIdOf(page);
      const id = await startTaskViaApi(server.url, sessionId, { name: 'Cut short', job: 'talk', parameters: { label: 'gamma', count: 14, delayMs: 500 } });
      const card = taskCard(page, 'Cut short');
      await card.getByTestId('log-toggle').click();
      const lines = card.getByTestId('task-log').locator('li.line');
      await eventually(async () => expect(await lines.count()).toBeGreaterThanOrEqual(4), 20_000);

      // Cut the page's socket as a network failure would; it reconnects by itself.
      upgraded.at(-1)!.destroy();
      await connectionStatus(page).getByText('Connected', { exact: true }).waitFor({ timeout: 20_000 });
      await eventually(async () => expect(await card.getAttribute('data-state')).toBe('completed'), 40_000);
      await eventually(async () => expect(await lines.count()).toBe(16), 15_000);
      const seqs = (await lines.evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-seq'))))) as number[];
      expect(seqs).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));

      // The new socket asked for the log from the last line the page held, not from the start.
      const subscriptions = sent.map((frames) => frames.map((text) => JSON.parse(text) as { type: string; taskId?: string; after?: number }).filter((frame) => frame.type === 'subscribeLog' && frame.taskId === id));
      const [first, ...again] = subscriptions.filter((list) => list.length > 0);
      expect(first![0]!.after).toBe(0);
      expect(again.length).toBeGreaterThanOrEqual(1);
      expect(again[0]![0]!.after).toBeGreaterThanOrEqual(4);
      expect(errors.filter((error) => !/WebSocket|ERR_CONNECTION|net::/.test(error))).toEqual([]);
    } finally {
      server.app.server.off('upgrade', onUpgrade);
      await context.close();
    }
  }, 120_000);

  it('shows a long log after the fact: the older lines read over REST up to 5,000, a notice for the rest', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    try {
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await page.goto(server.url);
      await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();
      const sessionId = await sessionIdOf(page);
      const id = await startTaskViaApi(server.url, sessionId, { name: 'Long log', job: 'flood', parameters: { lines: 6000 } });
      await page.locator('li.task[data-state="completed"]', { hasText: 'Long log' }).waitFor({ timeout: 30_000 });

      await page.goto(`${server.url}/tasks/${id}`);
      const log = page.locator('[data-slot="task-log"]').getByTestId('task-log');
      const lines = log.locator('li.line');
      await eventually(async () => expect(await lines.count()).toBe(5000), 30_000, 250);
      expect(await lines.first().locator('.text').textContent()).toBe('flood 1001');
      expect(await lines.last().locator('.text').textContent()).toBe('flood 6000');
      expect(await log.getByTestId('log-cut').textContent()).toMatch(/1,000 lines are not shown here\.\s+The download has the whole log\./);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
