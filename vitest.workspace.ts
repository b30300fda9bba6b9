// Root Vitest config: declares one project per package that has a vitest.config.ts.
// Vitest 4 no longer reads workspace files on its own, so the test script names this
// file with --config; and since a run that collects no projects would exit green,
// finding none is an error here.
import { globSync } from 'node:fs'
import { defineConfig } from 'vitest/config'

const projects = globSync(
  '{kernel,plugins/*,runtimes/*,clients/*,examples/*,tooling/*}/vitest.config.ts',
)

if (projects.length === 0) {
  throw new Error('vitest.workspace.ts: no test projects found (expected */vitest.config.ts files)')
}

export default defineConfig({
  test: {
    projects,
    passWithNoTests: false,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
})
