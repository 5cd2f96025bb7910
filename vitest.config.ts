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
    reporters: ['default'],
    // Two test files run at once on CI's two cores: one wasm thread each (results are the same
    // on any thread count; determinism.test.ts checks 1, 2 and 3 threads explicitly).
    env: { DENI_WASM_THREADS: process.env.DENI_WASM_THREADS ?? '1' }
  }
});
