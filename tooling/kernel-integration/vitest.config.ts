import { defineProject } from 'vitest/config'

export default defineProject({
  test: { name: 'kernel-integration', include: ['test/**/*.test.ts'] },
})
