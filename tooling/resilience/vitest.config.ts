import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'resilience',
    include: ['test/**/*.test.ts'],
    // The tests run real servers (and databases) in child processes.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
})
