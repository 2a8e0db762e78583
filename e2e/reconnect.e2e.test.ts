/**
 * Gap-free live updates in a real browser, without restarting the server: the page's socket is
 * cut mid-task (its TCP connection destroyed, while the browser is kept offline so that updates
 * pile up), and when the page reconnects the server replays exactly what it missed (`resumed`,
 * not a fresh `snapshot`): the sequence numbers the page received are contiguous and every task
 * ends Completed at 100%.
 */
import type { Duplex } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, CDPSession } from 'playwright-core';
import type { RunningTaskMonitor } from '../src-engine/launcher/start-task-monitor.js';
import { browserAvailable, launchBrowser } from './support/browser.js';
import { startServer } from './support/server.js';
import { collectPageErrors, connectionStatus, eventually, progressOf, sessionIdOf, startTaskViaApi, taskCard, tasksViaApi } from './support/page-helpers.js';

/** A frame the browser received, as sent (the tests read type, seq and a little data). */
interface Frame {
  type: string;
  seq?: number;
  data: { replayed?: number; seq?: number; id?: string };
}

const NAMES = ['Alpha', 'Bravo', 'Charlie'];

describe.skipIf(!browserAvailable())('gap-free reconnect (browser)', () => {
  let browser: Browser;
  let server: RunningTaskMonitor;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startServer({ concurrency: 4 })]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('resumes after its socket drops mid-task, with no event missing', async () => {
    // The server side of every WebSocket, to cut one as a network failure would.
    const upgraded: Duplex[] = [];
    const upgradeUrls: URL[] = [];
    const onUpgrade = (request: IncomingMessage, socket: Duplex) => {
      upgraded.push(socket);
      upgradeUrls.push(new URL(request.url ?? '/', 'http://localhost'));
    };
    server.app.server.on('upgrade', onUpgrade);
    const context = await browser.newContext();
    let cdp: CDPSession | undefined;
    try {
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      // Every frame each of the page's sockets received, in order.
      const sockets: Frame[][] = [];
      page.on('websocket', (socket) => {
        const frames: Frame[] = [];
        sockets.push(frames);
        socket.on('framereceived', ({ payload }) => frames.push(JSON.parse(String(payload)) as Frame));
      });
      await page.goto(server.url);
      await connectionStatus(page).getByText('Connected', { exact: true }).waitFor();
      const sessionId = await sessionIdOf(page);
      expect(upgraded).toHaveLength(1);

      for (const name of NAMES) await startTaskViaApi(server.url, sessionId, { name, duration: 4000 });
      for (const name of NAMES) await eventually(async () => expect(await progressOf(taskCard(page, name))).toBeGreaterThanOrEqual(10));

      // Offline first (an open socket survives it), then cut the socket: the page notices the
      // drop, and its reconnection attempts fail until the network is back.
      cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      upgraded[0]!.destroy();
      await page.getByTestId('stale-notice').waitFor();
      const shownAtDrop = await Promise.all(NAMES.map((name) => progressOf(taskCard(page, name))));
      // The tasks move on while the page is away: updates it must catch up on.
      await eventually(async () => {
        const now = await tasksViaApi(server.url, sessionId);
        for (const [i, name] of NAMES.entries()) expect(now.find((task) => task.name === name)!.progress).toBeGreaterThanOrEqual(shownAtDrop[i]! + 20);
      });
      expect(await Promise.all(NAMES.map((name) => progressOf(taskCard(page, name))))).toEqual(shownAtDrop);

      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await connectionStatus(page).getByText('Connected', { exact: true }).waitFor({ timeout: 20_000 });
      await page.getByTestId('stale-notice').waitFor({ state: 'detached' });
      for (const name of NAMES) await page.locator('li.task[data-state="completed"]', { hasText: name }).waitFor({ timeout: 20_000 });
      for (const name of NAMES) expect(await progressOf(taskCard(page, name))).toBe(100);

      // The first socket got `connection` and a snapshot; the one that came back got the missed
      // messages and `resumed`, and no snapshot.
      const [first, ...later] = sockets.filter((frames) => frames.length > 0);
      expect(first!.slice(0, 2).map((frame) => frame.type)).toEqual(['connection', 'snapshot']);
      expect(later).toHaveLength(1);
      const back = later[0]!;
      expect(back.map((frame) => frame.type)).not.toContain('snapshot');
      expect(back[0]!.type).toBe('connection');
      const resumedAt = back.findIndex((frame) => frame.type === 'resumed');
      expect(resumedAt).toBeGreaterThan(1);
      const resumed = back[resumedAt]!;
      expect(resumed.data.replayed).toBe(resumedAt - 1);
      await page.getByText(`Resumed: caught up on ${resumed.data.replayed} missed updates`).waitFor();

      // Sequence numbers: contiguous on each socket, and the replay starts right after the last
      // message the page handled before the drop (the `lastSeq` it resumed with). Chromium's
      // network log can show a frame that arrived as the socket was cut but never reached the
      // page; the page did not count it, so it comes again in the replay, identical.
      const seqs = (frames: Frame[]) => frames.filter((frame) => frame.seq !== undefined).map((frame) => frame.seq!);
      const before = seqs(first!);
      const after = seqs(back);
      const contiguous = (list: number[]) => list.every((seq, i) => i === 0 || seq === list[i - 1]! + 1);
      expect(contiguous(before)).toBe(true);
      expect(contiguous(after)).toBe(true);
      const resumedFrom = Number(upgradeUrls.at(-1)!.searchParams.get('lastSeq'));
      expect(after[0]).toBe(resumedFrom + 1);
      expect(resumedFrom).toBeGreaterThanOrEqual(before[0]!);
      expect(after[0]).toBeLessThanOrEqual(before.at(-1)! + 1);
      const bySeq = new Map(first!.filter((frame) => frame.seq !== undefined).map((frame) => [frame.seq!, JSON.stringify(frame)]));
      for (const frame of back.filter((f) => f.seq !== undefined && bySeq.has(f.seq))) expect(JSON.stringify(frame)).toBe(bySeq.get(frame.seq!));
      expect(resumed.data.seq).toBe(after[resumedAt - 2]);
      // Together they are every message of the session, from the first.
      const snapshotSeq = first![1]!.data.seq!;
      expect(before[0]).toBe(snapshotSeq + 1);

      // And what the page shows is what the server has.
      const listed = await tasksViaApi(server.url, sessionId);
      expect(listed.map((task) => [task.name, task.state, task.progress])).toEqual([...NAMES].reverse().map((name) => [name, 'completed', 100]));
      expect(errors).toEqual([]);
    } finally {
      await cdp?.detach().catch(() => {});
      server.app.server.off('upgrade', onUpgrade);
      await context.close();
    }
  });
});
