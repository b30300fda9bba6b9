import { defineProject } from 'vitest/config'

export default defineProject({
  // The suites start real HTTP servers, spawn the CLI and start workerd: more time than unit tests.
  test: {
    name: 'mcp',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
