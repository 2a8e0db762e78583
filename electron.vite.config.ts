import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

/**
 * Main process and preload only; the renderer is the SvelteKit app, built by `npm run build:ui`
 * into out/renderer and served by the in-process server.
 *
 * - main: ES module (package.json has "type": "module"), out/main/index.js. Dependencies stay
 *   external (electron-vite's default `externalizeDeps`), so fastify, ws and libsql, which has a
 *   native addon, load from node_modules at run time; the engine's source is bundled in.
 * - preload: CommonJS, out/preload/index.cjs. A sandboxed preload cannot be an ES module, and
 *   with "type": "module" electron-vite would otherwise emit index.mjs.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: resolve(import.meta.dirname, 'src-main/main/index.ts') },
      sourcemap: true,
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      lib: { entry: resolve(import.meta.dirname, 'src-main/preload/index.ts'), formats: ['cjs'] },
      sourcemap: true,
    },
  },
});
