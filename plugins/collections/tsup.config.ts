import { defineConfig } from 'tsup'

export default defineConfig({
  // `column-types` is the storage convention alone (pure), for code that encodes or decodes values.
  entry: { index: 'src/index.ts', 'column-types': 'src/schema/column-types.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'es2023',
  platform: 'neutral',
})
