import { defineConfig } from 'tsup'

export default defineConfig({
  // `contract` is the tokens, typed events and service types alone (no implementation), for
  // plugins that integrate with collections; `column-types` is the storage convention (pure).
  entry: {
    index: 'src/index.ts',
    contract: 'src/contract.ts',
    'column-types': 'src/schema/column-types.ts',
  },
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'es2023',
  platform: 'neutral',
})
