// @ts-check
import { fileURLToPath } from 'node:url';
import adapter from '@sveltejs/adapter-node';

/**
 * Resolves a path relative to this file, so the config means the same thing whether it is
 * loaded from the repository root (`vite build --config src-renderer/vite.config.ts`) or from
 * `src-renderer/` (`svelte-kit sync`, `svelte-check`).
 * @param {string} relative
 */
const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));

/** @type {import('@sveltejs/kit').Config} */
const config = {
  compilerOptions: { runes: true },
  kit: {
    // adapter-node output: the server imports `out/renderer/handler.js` and mounts it.
    // Its settings come from TASK_MONITOR_UI_* variables (e.g. TASK_MONITOR_UI_ORIGIN), so a
    // stray ORIGIN or BODY_SIZE_LIMIT in someone's shell cannot change the embedded UI.
    adapter: adapter({ out: here('../out/renderer'), precompress: true, envPrefix: 'TASK_MONITOR_UI_' }),
    outDir: here('.svelte-kit'),
    files: {
      src: here('src'),
      assets: here('static'),
    },
    alias: {
      // The wire contract, shared with the engine. Import *types* only from it.
      $protocol: here('../src-engine/protocol'),
      // The desktop app's preload API (window.taskMonitor). Types only, too.
      $desktop: here('../src-main/shared'),
    },
    // A strict policy with a nonce for SvelteKit's inline bootstrap script and styles;
    // `connect-src 'self'` covers the same-origin WebSocket. The desktop app keeps this policy as
    // is. The page's own markup has no style attributes; SvelteKit's route announcer has one,
    // hence 'style-src-attr' (attributes only: <style> elements still need the nonce).
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['none'],
        'script-src': ['self'],
        'style-src': ['self'],
        'style-src-attr': ['unsafe-inline'],
        'img-src': ['self', 'data:'],
        'font-src': ['self'],
        'connect-src': ['self'],
        'manifest-src': ['self'],
        'base-uri': ['none'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
        'object-src': ['none'],
      },
    },
    // Type-check the configs beside the app too (svelte-check follows this tsconfig).
    typescript: {
      config(tsconfig) {
        tsconfig['include'].push('../svelte.config.js', '../vitest.config.ts');
      },
    },
    // The whole UI is one page; keep its CSS in the HTML so first paint needs one request.
    inlineStyleThreshold: 16 * 1024,
  },
};

export default config;
