import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream';
import type { NodeHandler } from './build-server.js';

/** Where SvelteKit puts hashed assets: safe to cache for a year, renamed at every build. */
const IMMUTABLE_PREFIX = '/_app/immutable/';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
};

/** A file we may send for a request: the file itself or a precompressed copy of it. */
interface Candidate {
  path: string;
  encoding: 'br' | 'gzip' | undefined;
}

/**
 * Serves the built UI's static files (`clientDir`, adapter-node's `client/` folder) and hands
 * every other request to `ui` (SvelteKit's handler, for pages).
 *
 * Why not adapter-node's own static server: it lists the files once at start and, for a listed
 * file, writes the headers and then opens it with an unguarded read stream. Rebuilding the UI
 * while the server runs renames the hashed assets, and the next request for an old name made the
 * stream emit an unhandled 'error' (ENOENT) that killed the process. Here a file is opened first
 * and described from the open descriptor (no gap between looking and opening; a file deleted or
 * renamed after that is still read whole), what is missing is a 404, and every stream error ends
 * only its own response.
 *
 * Requests for file-like paths (an extension in the last segment, or anything under `/_app/`)
 * never reach `ui`, so its stale list of files is never consulted; except a page's data
 * (`…/__data.json`), which SvelteKit renders.
 */
export function serveStaticAssets(clientDir: string, ui: NodeHandler, onError: (error: unknown) => void = () => undefined): NodeHandler {
  const root = normalize(clientDir + sep);
  return (req, res, next) => {
    const pathname = filePathOf(req);
    if (pathname === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) {
      // Whatever the page handler pipes into the response, a failing source ends only this response.
      res.once('pipe', (source) => source.once('error', (error) => (onError(error), res.destroy())));
      return ui(req, res, next);
    }
    const candidates = candidatesFor(root, pathname, req.headers['accept-encoding']);
    if (candidates.length === 0) return next(); // outside the folder, or a dotfile: not ours to show
    sendFirstExisting(req, res, pathname, candidates).then(
      (sent) => {
        if (!sent) next();
      },
      (error: unknown) => {
        onError(error);
        if (!res.headersSent) next();
        else res.destroy();
      },
    );
  };
}

/** The decoded path of a request for a file (see {@link serveStaticAssets}), else undefined. */
function filePathOf(req: IncomingMessage): string | undefined {
  const raw = (req.url ?? '/').split('?')[0]!;
  let pathname: string;
  try {
    pathname = decodeURIComponent(raw);
  } catch {
    return undefined; // let the page handler answer a malformed path
  }
  if (pathname.includes('\0')) return undefined;
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  // SvelteKit's own requests for client-side navigation (`/tasks/x/__data.json`) are pages, not files.
  if ((last === '__data.json' || last === '__route.js') && !pathname.startsWith('/_app/')) return undefined;
  return pathname.startsWith('/_app/') || extname(last) !== '' ? pathname : undefined;
}

/** Precompressed copies first when the client takes them, then the file itself. */
function candidatesFor(root: string, pathname: string, acceptEncoding: string | string[] | undefined): Candidate[] {
  const path = normalize(join(root, pathname));
  if (!path.startsWith(root) || pathname.split('/').some((segment) => segment.startsWith('.') && segment !== '.well-known')) return [];
  const accepted = String(acceptEncoding ?? '');
  const candidates: Candidate[] = [];
  if (/\bbr\b/.test(accepted)) candidates.push({ path: `${path}.br`, encoding: 'br' });
  if (/\bgzip\b/.test(accepted)) candidates.push({ path: `${path}.gz`, encoding: 'gzip' });
  candidates.push({ path, encoding: undefined });
  return candidates;
}

/** Sends the first candidate that can be opened; false when none exists. */
async function sendFirstExisting(req: IncomingMessage, res: ServerResponse, pathname: string, candidates: Candidate[]): Promise<boolean> {
  for (const candidate of candidates) {
    const file = await openFile(candidate.path);
    if (!file) continue;
    sendOpenFile(req, res, pathname, candidate, file.handle, file.size, file.mtimeMs);
    return true;
  }
  return false;
}

/** Opens a regular file; undefined when it is missing (or a folder). Other errors are thrown. */
async function openFile(path: string): Promise<{ handle: FileHandle; size: number; mtimeMs: number } | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (stats.isFile()) return { handle, size: stats.size, mtimeMs: stats.mtimeMs };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  await handle.close().catch(() => undefined);
  return undefined;
}

function sendOpenFile(req: IncomingMessage, res: ServerResponse, pathname: string, candidate: Candidate, handle: FileHandle, size: number, mtimeMs: number): void {
  const etag = `W/"${size}-${Math.floor(mtimeMs)}"`;
  res.setHeader('Content-Type', CONTENT_TYPES[extname(pathname).toLowerCase()] ?? 'application/octet-stream');
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', new Date(mtimeMs).toUTCString());
  res.setHeader('Cache-Control', pathname.startsWith(IMMUTABLE_PREFIX) ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (candidate.encoding) res.setHeader('Content-Encoding', candidate.encoding);
  if (req.headers['if-none-match'] === etag || req.method === 'HEAD') {
    res.statusCode = req.method === 'HEAD' ? 200 : 304;
    if (req.method === 'HEAD') res.setHeader('Content-Length', size);
    res.end();
    void handle.close().catch(() => undefined);
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Length', size);
  // pipeline destroys both sides on any error (a read failure, a client gone): never an
  // unhandled 'error', and the descriptor is closed with the stream.
  pipeline(handle.createReadStream(), res, () => undefined);
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ENAMETOOLONG';
}
