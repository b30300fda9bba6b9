import { defineProject } from 'vitest/config'

export default defineProject({
  test: { name: 'sqlite', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
})
