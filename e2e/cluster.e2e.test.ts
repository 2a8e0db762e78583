/**
 * Two nodes on one Redis serve the same UI: a task started from the page on node B runs on node
 * A's worker, and the page on B follows it live to the end; the same session opened on node A
 * shows the same task. The UI cannot tell a cluster from one server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTaskMonitor, type RunningTaskMonitor } from '../src-engine/launcher/start-task-monitor.js';
import { redisServerAvailable, startRedis, type TestRedis } from '../src-engine/test-support/redis-server.js';
import { browserAvailable, launchBrowser } from './support/browser.js';
import { UI_DIR } from './support/server.js';
import { collectPageErrors, connectionStatus, eventually, progressOf, startTaskFromForm, taskCard } from './support/page-helpers.js';

describe.skipIf(!browserAvailable() || !redisServerAvailable())('the UI on a two-node cluster (browser)', () => {
  let browser: Browser;
  let redis: TestRedis;
  let a: RunningTaskMonitor;
  let b: RunningTaskMonitor;

  beforeAll(async () => {
    redis = await startRedis({ aof: false });
    const node = (workers: boolean) =>
      startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: UI_DIR, logLevel: 'silent', inMemory: true, jobs: null, redis: redis.url, noWorkers: !workers, concurrency: 2, graceMs: 200 });
    [browser, a, b] = await Promise.all([launchBrowser(), node(true), node(false)]);
  });

  afterAll(async () => {
    await browser?.close();
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  it('a task started on node B runs on node A and is followed live on both', async () => {
    const context = await browser.newContext();
    try {
      const onB = await context.newPage();
      const errors = collectPageErrors(onB);
      await onB.goto(b.url);
      await connectionStatus(onB).getByText('Connected', { exact: true }).waitFor();
      await startTaskFromForm(onB, 'Across the cluster', 2000);
      const card = taskCard(onB, 'Across the cluster');
      await eventually(async () => expect(await progressOf(card)).toBeGreaterThan(0));
      await card.locator('[data-state="completed"]').first().waitFor({ timeout: 15_000 });
      expect(await progressOf(card)).toBe(100);

      const onA = await context.newPage(); // same browser, same session id (localStorage)
      await onA.goto(a.url);
      await connectionStatus(onA).getByText('Connected', { exact: true }).waitFor();
      await taskCard(onA, 'Across the cluster').locator('[data-state="completed"]').first().waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
