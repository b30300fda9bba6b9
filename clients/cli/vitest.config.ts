import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Each test spawns servers and waits for restarts: more time than a unit test needs.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
