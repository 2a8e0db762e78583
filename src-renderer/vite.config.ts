import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { defineConfig, type ProxyOptions } from 'vite';

/**
 * This app lives in src-renderer/ but is built from the repository root
 * (`vite build --config src-renderer/vite.config.ts`). SvelteKit finds its config, and
 * adapter-node its package.json, in the current directory (also in the worker threads it
 * starts after the build), so work from here. Worker threads cannot chdir; they already start here.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
if (process.cwd() !== here.replace(/[\\/]$/, '')) {
  try {
    process.chdir(here);
  } catch {
    // inside a worker thread: the process is already in the right directory
  }
}
// Imported after the chdir: SvelteKit's plugin reads the working directory when loaded.
const { sveltekit } = await import('@sveltejs/kit/vite');

/** Where `npm run serve` listens; the dev server forwards API and WebSocket traffic there. */
const apiTarget = process.env.TASK_MONITOR_API ?? 'http://127.0.0.1:5000';
const apiOrigin = new URL(apiTarget).origin;

/**
 * A proxy entry to the API. The API accepts requests from pages of its own origin only, so the
 * dev page's Origin (http://localhost:5173) is replaced by the API's: to the API, the dev server
 * is the API's own page. Development only; the dev server listens on localhost.
 */
function toApi(ws = false): ProxyOptions {
  return {
    target: apiTarget,
    changeOrigin: true,
    ws,
    rewriteWsOrigin: ws,
    configure(proxy) {
      proxy.on('proxyReq', (request) => {
        if (request.getHeader('origin')) request.setHeader('origin', apiOrigin);
      });
    },
  };
}

/**
 * The browser's runtime (Svelte's and SvelteKit's client code and their small dependencies) in one
 * chunk instead of a dozen: every page needs all of it before it can hydrate, and each module is
 * a request, a compile task and a link step of its own on the way to the first live frame.
 */
function clientChunk(id: string): string | undefined {
  return /[\\/]node_modules[\\/](?:svelte|@sveltejs[\\/]kit|devalue|clsx|esm-env)[\\/]/.test(id) ? 'runtime' : undefined;
}

export default defineConfig(({ isSsrBuild }) => ({
  plugins: [sveltekit()],
  server: {
    port: 5173,
    proxy: {
      '/api': toApi(),
      '/health': toApi(),
      '^/ws(?:$|\\?)': toApi(true),
    },
  },
  ssr: {
    // SvelteKit needs cookie@0.6 (nested under @sveltejs/kit); the root node_modules has a v2
    // (from fastify's deps) that the server output would otherwise pick up. Bundle it instead.
    noExternal: ['cookie'],
  },
  build: {
    target: 'es2022',
    rollupOptions: isSsrBuild ? {} : { output: { manualChunks: clientChunk } },
  },
}));
