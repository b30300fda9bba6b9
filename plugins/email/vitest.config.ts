import { defineProject } from 'vitest/config'

export default defineProject({
  test: { name: 'email', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
})
