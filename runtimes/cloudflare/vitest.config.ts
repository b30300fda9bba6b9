import { defineProject } from 'vitest/config'

export default defineProject({
  // Starting workerd and bundling take a few seconds on a busy 2-core machine.
  test: {
    name: 'cloudflare',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
