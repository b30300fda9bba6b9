import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'example-app',
    include: ['test/**/*.test.ts'],
    // The tests run the app through the CLI, in child processes.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
})
