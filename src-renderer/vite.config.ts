import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import svelteConfig from './svelte.config.js';

/** Where `npm run serve` listens; the dev server forwards API and WebSocket traffic there. */
const apiTarget = process.env.TASK_MONITOR_API ?? 'http://127.0.0.1:5000';

// Run from the repository root (`vite build --config src-renderer/vite.config.ts`): SvelteKit
// takes its options from here, with every path made absolute by svelte.config.js.
export default defineConfig({
  plugins: [
    sveltekit({
      ...svelteConfig.kit,
      ...(svelteConfig.compilerOptions ? { compilerOptions: svelteConfig.compilerOptions } : {}),
    }),
  ],
  server: {
    port: 5173,
    strictPort: false,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true },
      '/health': { target: apiTarget, changeOrigin: true },
      '^/ws(?:$|\\?)': { target: apiTarget, changeOrigin: true, ws: true },
    },
  },
  build: {
    target: 'es2022',
    reportCompressedSize: true,
  },
});
