// Smoke test of the built main bundle (out/main/index.js), the file Electron runs: under plain
// Node with `electron` resolved to a recording stub (test-support/electron-stub.mjs), since the
// Electron binary cannot be downloaded here. It proves the wiring the unit tests cannot: ES
// module imports of the bundle, the launch modes, the server the window loads, the hardening
// actually registered, IPC, tray, the port fallback and the quit flow.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const bundle = join(root, 'out', 'main', 'index.js');
const built = existsSync(bundle) && existsSync(join(root, 'out', 'preload', 'index.cjs'));
const uiBuilt = existsSync(join(root, 'out', 'renderer', 'handler.js'));

interface Run {
  userData: string;
  child: ChildProcessByStdio<null, Readable, Readable>;
  output: () => string;
  events: (name: string) => Record<string, unknown>[];
  waitFor: (name: string, timeoutMs?: number) => Promise<Record<string, unknown>>;
  waitForText: (text: string, timeoutMs?: number) => Promise<void>;
  exit: Promise<number | null>;
}

const runs: Run[] = [];
const cleanups: (() => void)[] = [];

function launch(args: string[], env: Record<string, string> = {}): Run {
  const userData = mkdtempSync(join(tmpdir(), 'task-monitor-smoke-'));
  cleanups.push(() => rmSync(userData, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', './src-main/test-support/register-electron-stub.mjs', bundle, ...args], {
    cwd: root,
    env: { ...process.env, STUB_USER_DATA: userData, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const events = (name: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`[stub] ${name} `))
      .map((line) => JSON.parse(line.slice(`[stub] ${name} `.length)) as Record<string, unknown>);
  const poll = async <T>(read: () => T | undefined, what: string, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const run: Run = {
    userData,
    child,
    output: () => text,
    events,
    waitFor: (name, timeoutMs = 15_000) => poll(() => events(name)[0], name, timeoutMs),
    waitForText: (needle, timeoutMs = 15_000) => poll(() => (text.includes(needle) ? true : undefined), needle, timeoutMs).then(() => undefined),
    exit,
  };
  runs.push(run);
  return run;
}

afterEach(async () => {
  for (const run of runs.splice(0)) {
    if (run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGKILL');
      await run.exit;
    }
  }
  for (const cleanup of cleanups.splice(0)) cleanup();
});

interface LanShare {
  enabled: boolean;
  urls: string[];
  pairingUrl: string | null;
  qrCodeDataUrl: string | null;
  pairingRequired: boolean;
  notice?: string;
}

/** Whether this machine has an address other devices could reach (as the engine counts them for 0.0.0.0). */
const hasLanAddress = Object.values(networkInterfaces()).some((infos) =>
  (infos ?? []).some((info) => info.family === 'IPv4' && !info.internal && !info.address.startsWith('169.254.')),
);

/**
 * The same path on loopback. Tests never send traffic to this machine's LAN address (a client
 * from another address is tested from a network namespace in src-engine/server/access).
 */
function onLoopback(link: string, port: string): string {
  const url = new URL(link);
  return `http://127.0.0.1:${port}${url.pathname}${url.search}`;
}

async function startLongTask(url: string, durationMs = 30_000): Promise<string> {
  const response = await fetch(`${url}/api/task/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'long', duration: durationMs, clientId: 'smoke' }) });
  expect(response.ok).toBe(true);
  return ((await response.json()) as { taskId: string }).taskId;
}

async function taskStatus(url: string, id: string): Promise<string> {
  return ((await (await fetch(`${url}/api/tasks/${id}?clientId=smoke`)).json()) as { status: string }).status;
}

describe.runIf(built || process.env['CI'])('the built main bundle', { timeout: 60_000 }, () => {
  it('runs the desktop app: server on loopback, locked-down window on its URL, hardening, IPC, tray', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'task-monitor-data-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const run = launch(['--port', '0', '--log-level', 'warn', '--grace-ms', '200', '--data-dir', dataDir, '--no-sandbox']);
    await run.waitFor('page-played');

    expect(run.events('enable-sandbox')).toHaveLength(1);
    const [window] = run.events('window-created') as { webPreferences: Record<string, unknown>; show: boolean }[];
    expect(window!.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(existsSync(window!.webPreferences['preload'] as string)).toBe(true);
    expect(window!.show).toBe(false);

    const { url } = (await run.waitFor('load-url')) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    if (uiBuilt) expect(page.headers.get('content-type')).toContain('text/html');

    expect(run.events('ipc-handle').map((e) => e['channel']).sort()).toEqual(['task-monitor:get-lan-share', 'task-monitor:set-lan-share', 'task-monitor:show-about']);
    expect(run.events('ipc-get-lan-share')[0]).toEqual({ result: { enabled: false, urls: [], pairingUrl: null, qrCodeDataUrl: null, pairingRequired: true } });
    expect(run.events('ipc-untrusted')[0]!['error']).toMatch(/not the app's own page/);
    const withoutCsp = run.events('headers-without-csp')[0] as { responseHeaders: Record<string, string[]> };
    expect(withoutCsp.responseHeaders['Content-Security-Policy']![0]).toContain(`connect-src 'self' ${url.replace('http', 'ws')}`);
    expect(run.events('headers-with-csp')[0]).toEqual({ responseHeaders: { 'Content-Security-Policy': ["script-src 'nonce-x'"] } });
    expect(run.events('permission-request')[0]).toEqual({ permission: 'media', granted: false });
    expect(run.events('permission-check')[0]).toEqual({ permission: 'notifications', granted: false });
    expect(run.events('will-navigate')).toEqual([
      { url: `${url}/other`, prevented: false },
      { url: 'https://example.org/', prevented: true },
      { url: 'file:///etc/passwd', prevented: true },
    ]);
    expect(run.events('open-external')).toEqual([{ url: 'https://example.org/' }, { url: 'https://example.org/' }]);
    expect(run.events('window-open')[0]).toEqual({ url: 'https://example.org/', response: { action: 'deny' } });
    expect(run.events('tray-tooltip')[0]).toEqual({ text: 'Background Task Monitor: Idle' });
    expect(run.events('native-image').every((e) => e['exists'] === true)).toBe(true);
    expect(run.output()).toContain('[launch] not task-monitor flags, left to Electron/Chromium: --no-sandbox');

    await startLongTask(url);
    await run.waitForText('"text":"Background Task Monitor: 1 running, 0 queued"');
    // --data-dir reached the engine: the task database is where it was told to be.
    expect(existsSync(join(dataDir, 'tasks.db'))).toBe(true);

    // A signal quits without asking, gracefully.
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    const quitOrder = run.output().split('\n').filter((line) => /\[stub\] (quit-requested|quit-held|window-hide|quit) /.test(line)).map((line) => line.split(' ')[1]);
    expect(quitOrder).toEqual(['quit-requested', 'window-hide', 'quit-held', 'quit-requested', 'quit']);
    expect(run.events('message-box')).toEqual([]);
  });

  it('asks before quitting while a task runs, and stays open when the user cancels', async () => {
    const run = launch(['--port', '0', '--log-level', 'warn', '--grace-ms', '100', '--in-memory'], { STUB_DIALOG_RESPONSE: '0' });
    await run.waitFor('page-played');
    const { url } = (await run.waitFor('load-url')) as { url: string };
    await startLongTask(url);
    await run.waitForText('1 running');

    run.child.kill('SIGUSR2'); // the user closes the window
    await run.waitFor('window-close-held');
    const [prompt] = (await run.waitFor('message-box').then(() => run.events('message-box'))) as { title: string; message: string }[];
    expect(prompt).toEqual({ title: 'Quit Background Task Monitor', message: '1 task is still running. Quit anyway?' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(run.child.exitCode).toBeNull();
    expect(run.events('quit')).toEqual([]);
    expect((await fetch(`${url}/health`)).ok).toBe(true);
  });

  it('quits after the user confirms, stopping the engine first', async () => {
    const run = launch(['--port', '0', '--log-level', 'warn', '--grace-ms', '100', '--in-memory'], { STUB_DIALOG_RESPONSE: '1' });
    await run.waitFor('page-played');
    const { url } = (await run.waitFor('load-url')) as { url: string };
    await startLongTask(url);
    await run.waitForText('1 running');
    run.child.kill('SIGUSR2');
    expect(await run.exit).toBe(0);
    expect(run.events('message-box')).toHaveLength(1);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it('shares on the LAN and stops again without asking, stopping tasks or reloading; shows a pairing link, renewed once used', async () => {
    const run = launch(['--port', '0', '--log-level', 'warn', '--in-memory', '--grace-ms', '100']);
    await run.waitFor('page-played');
    const { url } = (await run.waitFor('load-url')) as { url: string };
    const port = new URL(url).port;
    const taskId = await startLongTask(url, 4_000);
    await run.waitForText('1 running');

    run.child.kill('SIGHUP'); // the user turns sharing on
    const on = (await run.waitFor('ipc-set-lan-share'))['result'] as LanShare;
    expect(on).toMatchObject({ enabled: true, pairingRequired: true });
    expect(on.notice).toBeUndefined();
    expect(await taskStatus(url, taskId)).not.toMatch(/Cancelled|Failed/);
    if (hasLanAddress) {
      expect(on.urls.length).toBeGreaterThan(0);
      for (const lanUrl of on.urls) expect(lanUrl).toMatch(new RegExp(`^http://\\d+\\.\\d+\\.\\d+\\.\\d+:${port}$`));
      // The QR code carries the pairing link, not the bare address: a device without credentials is refused.
      expect(on.pairingUrl).toMatch(new RegExp(`^${on.urls[0]}/pair\\?code=[\\w-]+$`));
      expect(on.qrCodeDataUrl).toBe('data:image/png;base64,');
      const lan = on.urls[0]!;

      // The link is opened (over loopback: refusals of unpaired LAN clients are proven from a
      // network namespace in lan-access.netns.test.ts) and the code is spent...
      const paired = await fetch(onLoopback(on.pairingUrl!, port), { redirect: 'manual' });
      expect(paired.status).toBe(303);
      expect(paired.headers.get('set-cookie')).toBeTruthy();
      // ...and the page is sent the next link at once, with a new QR code.
      const pushed = (await run.waitFor('webcontents-send')) as { channel: string; payload: LanShare };
      expect(pushed.channel).toBe('task-monitor:lan-share-changed');
      expect(pushed.payload).toMatchObject({ enabled: true, urls: on.urls, qrCodeDataUrl: 'data:image/png;base64,' });
      expect(pushed.payload.pairingUrl).toMatch(new RegExp(`^${lan}/pair\\?code=`));
      expect(pushed.payload.pairingUrl).not.toBe(on.pairingUrl);
    } else {
      expect(on).toEqual({ enabled: true, urls: [], pairingUrl: null, qrCodeDataUrl: null, pairingRequired: true });
    }

    run.child.kill('SIGHUP'); // and off again
    await run.waitForText('"enabled":false,"result"');
    const off = (run.events('ipc-set-lan-share')[1] as { result: LanShare }).result;
    expect(off).toEqual({ enabled: false, urls: [], pairingUrl: null, qrCodeDataUrl: null, pairingRequired: true });

    // Nothing asked, nothing stopped: the task finishes normally, on the same origin throughout.
    expect(run.events('message-box')).toEqual([]);
    await expect.poll(() => taskStatus(url, taskId), { timeout: 10_000, interval: 100 }).toBe('Completed');
    expect(run.events('load-url')).toHaveLength(1);
    const settings = JSON.parse(readFileSync(join(run.userData, 'settings.json'), 'utf8')) as unknown;
    expect(settings).toEqual({ lanShare: false });
  });

  it('falls back to a free port when the requested one is taken, and says so', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const run = launch(['--port', String(taken), '--log-level', 'warn', '--in-memory']);
      const { url } = (await run.waitFor('load-url')) as { url: string };
      const port = Number(new URL(url).port);
      expect(port).not.toBe(taken);
      const notice = await run.waitFor('notification');
      expect(notice).toEqual({ title: 'Background Task Monitor', body: `Port ${taken} is in use by another program, so Background Task Monitor is using port ${port} instead.` });
      expect((await fetch(`${url}/health`)).ok).toBe(true);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('runs headless: the server only, same flags, graceful stop on SIGTERM', async () => {
    const run = launch(['--headless', '--host', '127.0.0.1', '--port', '0', '--in-memory', '--grace-ms', '200']);
    await run.waitForText('Background Task Monitor listening on http://127.0.0.1:');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output())![1]!;
    expect((await fetch(`${url}/health`)).ok).toBe(true);
    expect(run.events('window-created')).toEqual([]);
    expect(run.events('tray-created')).toEqual([]);
    expect(run.events('dock-hide')).toHaveLength(1);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });

  it('prints the pairing link headless on the LAN, and a new one once it is used', async () => {
    const run = launch(['--headless', '--port', '0', '--in-memory', '--log-level', 'warn']);
    await run.waitForText('Background Task Monitor listening on http://0.0.0.0:');
    const port = /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(run.output())![1]!;
    if (!hasLanAddress) return; // nothing another device could open: the engine says so in the log
    await run.waitForText('Pair a device on your network');
    const links = () => [...run.output().matchAll(/^ {2}(http:\/\/\S+\/pair\?code=\S+)$/gm)].map((match) => match[1]!);
    const [first] = links();
    expect(first).toMatch(new RegExp(`^http://[\\d.]+:${port}/pair\\?code=`));
    // The listening line comes first, as with the Node launcher.
    expect(run.output().indexOf('listening on')).toBeLessThan(run.output().indexOf(first!));
    expect((await fetch(onLoopback(first!, port), { redirect: 'manual' })).status).toBe(303);
    const code = (link: string) => new URL(link).searchParams.get('code');
    await expect.poll(() => links().filter((link) => code(link) !== code(first!)).length, { timeout: 5_000 }).toBeGreaterThan(0);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });

  it('fails headless like the Node launcher when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const run = launch(['--headless', '--host', '127.0.0.1', '--port', String(taken), '--in-memory']);
      expect(await run.exit).toBe(1);
      expect(run.output()).toContain(`task-monitor: Port ${taken} on 127.0.0.1 is already in use.`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('hands over to the running instance on a second launch', async () => {
    const run = launch(['--port', '0', '--in-memory'], { STUB_LOCK_TAKEN: '1' });
    expect(await run.exit).toBe(0);
    expect(run.events('window-created')).toEqual([]);
    expect(run.output()).not.toContain('listening');
  });

  it('prints the version, and refuses bad flags with exit code 2', async () => {
    const version = launch(['--version']);
    expect(await version.exit).toBe(0);
    expect(version.output().trim()).toMatch(/^\d+\.\d+\.\d+/);
    const bad = launch(['--concurrency', 'many', '--in-memory']);
    expect(await bad.exit).toBe(2);
    expect(bad.output()).toContain('--concurrency must be a whole number');
  });
});
