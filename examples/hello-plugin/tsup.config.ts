import { defineConfig } from 'tsup'

export default defineConfig({
  // The contract is its own entry, so consumers can import it without the implementation.
  entry: ['src/index.ts', 'src/contract.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'es2023',
  // The plugin runs on every runtime backlex does, so it is built for none in particular.
  platform: 'neutral',
})
