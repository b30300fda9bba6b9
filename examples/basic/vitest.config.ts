import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'example-basic',
    include: ['test/**/*.test.ts'],
    // The tests run the app through the CLI, in child processes.
    testTimeout: 30_000,
  },
})
