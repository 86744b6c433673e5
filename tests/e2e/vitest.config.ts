import { defineConfig } from 'vitest/config';

// End-to-end tests drive the built site (dist/) in Chromium; `npm test` builds it first.
export default defineConfig({
  test: {
    name: 'e2e',
    root: new URL('../..', import.meta.url).pathname,
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
