import { defineConfig } from 'tsup'

export default defineConfig({
  // `contract` is the token and the types alone (no implementation), for plugins that write to
  // the log while it is optional for them.
  entry: { index: 'src/index.ts', contract: 'src/contract.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'es2023',
  platform: 'neutral',
})
