import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'sim/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    // Year-less Asterisk dates are local time; tests pin the zone so they mean the same everywhere.
    env: { TZ: 'UTC' },
    testTimeout: 30_000,
    pool: 'forks',
  },
});
