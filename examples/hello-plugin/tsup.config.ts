import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'es2023',
  // The plugin runs on every runtime backlex does, so it is built for none in particular.
  platform: 'neutral',
})
