import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_UI_DIR } from '../launcher/ui-handler.js';
import { startTaskMonitor, type RunningTaskMonitor } from '../launcher/start-task-monitor.js';
import type { NodeHandler } from './build-server.js';
import { serveStaticAssets } from './static-assets.js';

/**
 * A missing static file must never kill the server. Rebuilding the UI while the server runs
 * renames its hashed assets; adapter-node's static server had listed them at start and opened a
 * listed file with an unguarded stream after writing the headers, so the next load of an old name
 * crashed the process (ENOENT on start.*.js.br). Every request gets an answer (404 for what is
 * gone) and the process lives.
 */

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // The path goes out as written (new URL() would resolve "%2e%2e" segments before sending).
    const [, origin, path] = /^(http:\/\/[^/]+)(.*)$/.exec(url)!;
    const { hostname, port } = new URL(origin!);
    const req = httpRequest({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** What adapter-node's static server did: list files once, then write headers and stream without a guard. */
function staleListingHandler(dir: string): NodeHandler {
  const listed = new Map<string, string>();
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, name.name);
      if (name.name.startsWith('.')) continue; // sirv skips dotfiles too
      if (name.isDirectory()) walk(path);
      else listed.set(`/${relative(dir, path)}`, path);
    }
  };
  walk(dir);
  return (req, res, next) => {
    const path = listed.get((req.url ?? '/').split('?')[0]!);
    if (!path) {
      // SvelteKit answers its client-side navigations' data requests itself, as pages.
      if ((req.url ?? '').split('?')[0]!.endsWith('/__data.json')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"type":"data"}');
        return;
      }
      if ((req.url ?? '').includes('.')) return next();
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>page</html>');
      return;
    }
    res.writeHead(200, { 'content-length': statSync(path).size });
    createReadStream(path).pipe(res);
  };
}

describe('serveStaticAssets', () => {
  let dir: string;
  let server: Server;
  let base: string;
  const js = 'export const answer = 42;\n'.repeat(200);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'static-assets-'));
    mkdirSync(join(dir, '_app', 'immutable', 'entry'), { recursive: true });
    writeFileSync(join(dir, '_app', 'immutable', 'entry', 'start.AAA.js'), js);
    writeFileSync(join(dir, '_app', 'immutable', 'entry', 'start.AAA.js.br'), brotliCompressSync(js));
    writeFileSync(join(dir, '_app', 'immutable', 'entry', 'start.AAA.js.gz'), gzipSync(js));
    writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
    writeFileSync(join(dir, '.secret'), 'hidden');
    const handler = serveStaticAssets(dir, staleListingHandler(dir));
    server = createServer((req: IncomingMessage, res: ServerResponse) =>
      handler(req, res, () => {
        res.statusCode = 404;
        res.end('not found');
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the precompressed copy the client accepts, with its encoding, type and a year of caching for hashed assets', async () => {
    const br = await get(`${base}/_app/immutable/entry/start.AAA.js`, { 'accept-encoding': 'gzip, br' });
    expect(br.status).toBe(200);
    expect(br.headers).toMatchObject({ 'content-encoding': 'br', 'content-type': 'text/javascript', vary: 'Accept-Encoding', 'cache-control': 'public, max-age=31536000, immutable' });
    expect(br.body).toEqual(brotliCompressSync(js));
    const gz = await get(`${base}/_app/immutable/entry/start.AAA.js`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const plain = await get(`${base}/_app/immutable/entry/start.AAA.js`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(js);
    const again = await get(`${base}/_app/immutable/entry/start.AAA.js`, { 'if-none-match': String(plain.headers.etag) });
    expect(again.status).toBe(304);
    const head = await get(`${base}/favicon.svg`, {}, 'HEAD');
    expect(head).toMatchObject({ status: 200, headers: { 'content-type': 'image/svg+xml', 'content-length': '6', 'cache-control': 'no-cache' } });
  });

  it('answers 404 for a file that was listed at start and is gone now, and keeps serving', async () => {
    const entry = join(dir, '_app', 'immutable', 'entry');
    renameSync(join(entry, 'start.AAA.js.br'), join(entry, 'start.BBB.js.br'));
    rmSync(join(entry, 'start.AAA.js.gz'));
    rmSync(join(entry, 'start.AAA.js'));
    for (const encoding of ['br', 'gzip', 'identity']) {
      expect((await get(`${base}/_app/immutable/entry/start.AAA.js`, { 'accept-encoding': encoding })).status).toBe(404);
    }
    expect((await get(`${base}/_app/immutable/entry/start.BBB.js`, { 'accept-encoding': 'br' })).status).toBe(200);
    expect((await get(`${base}/_app/immutable/entry/start.BBB.js`)).status).toBe(404); // only the .br copy exists
  });

  it('hands pages to the UI, and never shows dotfiles or anything outside the folder', async () => {
    expect((await get(`${base}/some/page`)).body.toString()).toBe('<html>page</html>');
    // A client-side navigation's data (the task page opened from a card) is the page handler's, not a file.
    expect((await get(`${base}/tasks/abc/__data.json?x-sveltekit-invalidated=01`)).body.toString()).toBe('{"type":"data"}');
    expect((await get(`${base}/.secret`)).status).toBe(404);
    expect((await get(`${base}/_app/%2e%2e/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404);
    expect((await get(`${base}/_app/%E0%A4%A`)).status).toBe(200); // a malformed escape goes to the page handler, which answers
  });

  it("hands a page's data for client-side navigation (__data.json) to the UI", async () => {
    expect((await get(`${base}/charts/__data.json?x-sveltekit-invalidated=01`)).body.toString()).toBe('{"type":"data"}');
    expect((await get(`${base}/__data.json`)).body.toString()).toBe('{"type":"data"}');
  });
});

/** The real built UI, copied so it can be "rebuilt" underneath a running server. */
const uiBuilt = existsSync(join(DEFAULT_UI_DIR, 'handler.js'));
if (!uiBuilt) console.warn('static-assets.test.ts: the UI is not built (npm run build:ui); the rebuild-in-place test is SKIPPED');

describe.skipIf(!uiBuilt)('a UI rebuilt while the server runs', () => {
  let uiDir: string;
  let monitor: RunningTaskMonitor | undefined;
  afterEach(async () => {
    await monitor?.close();
    monitor = undefined;
    rmSync(uiDir, { recursive: true, force: true });
  });

  it('keeps answering every page and asset load while hashed assets are renamed and deleted underneath', async () => {
    uiDir = mkdtempSync(join(tmpdir(), 'task-monitor-ui-'));
    cpSync(DEFAULT_UI_DIR, uiDir, { recursive: true });
    monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir, logLevel: 'silent' });
    const url = monitor.url;
    const page = await get(`${url}/`, { accept: 'text/html' });
    expect(page.status).toBe(200);
    const assets = [...new Set([...page.body.toString().matchAll(/["'](?:\.?\/)?(_app\/immutable\/[^"']+)["']/g)].map((m) => `/${m[1]!}`))];
    expect(assets.length).toBeGreaterThan(0);

    // A stream of page loads (the page and every asset it names, as a browser accepting br/gzip).
    const statuses: number[] = [];
    let loading = true;
    const loader = (async () => {
      while (loading) {
        const html = await get(`${url}/`, { accept: 'text/html', 'accept-encoding': 'br, gzip' });
        statuses.push(html.status);
        const answers = await Promise.all(assets.map((asset) => get(`${url}${asset}`, { 'accept-encoding': 'br, gzip, deflate' })));
        statuses.push(...answers.map((answer) => answer.status));
      }
    })();

    // The "rebuild": every hashed asset moves to a new name (its .br/.gz first, as a build writes them).
    const immutable = join(uiDir, 'client', '_app', 'immutable');
    const files = (folder: string): string[] => readdirSync(folder, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(folder, e.name)) : [join(folder, e.name)]));
    const all = files(immutable).sort((a, b) => Number(b.endsWith('.br') || b.endsWith('.gz')) - Number(a.endsWith('.br') || a.endsWith('.gz')));
    for (const [i, file] of all.entries()) {
      if (i % 3 === 0) rmSync(file);
      else renameSync(file, file.replace(/\.([A-Za-z0-9_-]{6,})\.(js|css)/, '.rebuilt$1.$2'));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    loading = false;
    await loader;

    expect(statuses.length).toBeGreaterThan(assets.length);
    expect(statuses.every((status) => status === 200 || status === 404)).toBe(true);
    for (const asset of assets) expect((await get(`${url}${asset}`, { 'accept-encoding': 'br, gzip' })).status).toBe(404);
    const renamed = files(immutable).find((file) => file.includes('.rebuilt') && file.endsWith('.js'));
    if (renamed) expect((await get(`${url}/${relative(join(uiDir, 'client'), renamed)}`)).status).toBe(200);
    expect((await get(`${url}/health`)).status).toBe(200);
  }, 60_000);
});
