import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'graphql',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // graphql ships CJS (main) and ESM (module): Vite gives the code it transforms the ESM copy,
    // Node gives an external package the CJS one. Transforming Pothos too keeps one graphql.
    server: { deps: { inline: ['@pothos/core'] } },
  },
})
