import { defineProject } from 'vitest/config'

export default defineProject({
  // The workerd suite bundles the plugin and starts workerd: slower than the Node suites.
  test: {
    name: 'example-hello-plugin',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One graphql for @backlex/graphql and Pothos (see plugins/graphql/vitest.config.ts).
    server: { deps: { inline: ['@pothos/core'] } },
  },
})
