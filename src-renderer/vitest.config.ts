import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** This folder: the project's root whether run alone or as a project of the root config. */
const root = fileURLToPath(new URL('.', import.meta.url));

/** Unit tests of the UI's plain TypeScript logic (no DOM, no SvelteKit runtime). */
export default defineConfig({
  root,
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
