import { defineConfig } from 'tsup'

export default defineConfig({
  // `filter` is the DSL alone (parse, compile to SQL, match in JS), usable without the plugin.
  // `contract` is the token, extension point and types alone, for plugins that integrate optionally.
  entry: { index: 'src/index.ts', filter: 'src/filter/index.ts', contract: 'src/contract.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'es2023',
  platform: 'neutral',
})
