import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'permissions',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The SQL-vs-JS property test runs thousands of queries per dialect.
    testTimeout: 120_000,
  },
})
