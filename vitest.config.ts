import { defineConfig } from 'vitest/config';

/**
 * One runner, a project per runtime: the engine and the Electron main process run under Node;
 * the UI's unit tests have their own config (SvelteKit aliases); e2e drives Chromium against the
 * real server and needs `npm run build` first.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'engine',
          include: ['src-engine/**/*.test.ts'],
          environment: 'node',
          // Some tests run the real executable, which runs the compiled engine.
          globalSetup: ['./src-engine/test-support/build-engine.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'main',
          include: ['src-main/**/*.test.ts'],
          environment: 'node',
        },
      },
      './src-renderer/vitest.config.ts',
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One browser at a time: the machine has two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
