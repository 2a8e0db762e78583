import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NodeHandler } from '../server/build-server.js';
import { serveStaticAssets } from '../server/static-assets.js';
import { projectRoot } from './project-root.js';

/** Where `npm run build:ui` puts the SvelteKit app (adapter-node output). */
export const DEFAULT_UI_DIR = join(projectRoot(), 'out', 'renderer');

/**
 * Loads adapter-node's request handler from a built UI folder, or undefined when it is not built.
 * Its static files are served by {@link serveStaticAssets}, which survives a rebuild of the folder
 * while the server runs; `onError` hears read failures other than a missing file.
 */
export async function loadUiHandler(uiDir: string = DEFAULT_UI_DIR, onError?: (error: unknown) => void): Promise<NodeHandler | undefined> {
  const entry = join(uiDir, 'handler.js');
  if (!existsSync(entry)) return undefined;
  const module = (await import(pathToFileURL(entry).href)) as { handler: NodeHandler };
  return serveStaticAssets(join(uiDir, 'client'), module.handler, onError);
}
