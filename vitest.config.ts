import { defineConfig } from 'vitest/config';

// One runner for the whole repository: unit tests live beside the code they test
// (src/**/*.test.ts). UI tests (ui-tests/) run under galata/Playwright instead.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default']
  }
});
