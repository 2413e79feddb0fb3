import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // CI machines are small and shared: setup and teardown (servers, stores, browsers) get the same room as tests.
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
