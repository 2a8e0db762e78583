import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

/** This folder: the project's root whether run alone or as a project of the root config. */
const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Unit tests of the UI's logic (no DOM, no SvelteKit runtime): the plain TypeScript, and the
 * reactive `.svelte.ts` state classes, compiled by the Svelte plugin (runes work outside
 * components; `$derived` computes when read).
 */
export default defineConfig({
  root,
  // The Svelte plugin reads no svelte.config.js here: the tests need only the runes compiler.
  plugins: [svelte({ configFile: false, compilerOptions: { runes: true } })],
  // src-renderer/tsconfig.json extends a file `svelte-kit sync` generates; give esbuild its few
  // options directly so the unit tests run in a fresh clone, before any UI build.
  esbuild: {
    tsconfigRaw: JSON.stringify({ compilerOptions: { target: 'es2022', verbatimModuleSyntax: true, useDefineForClassFields: true } }),
  },
  test: {
    name: 'ui',
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
