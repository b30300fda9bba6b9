import { defineConfig } from 'tsup'

export default defineConfig({
  // `testing` is a separate entry: it runs on Node (esbuild + Miniflare) and must never
  // end up in a Worker bundle that imports the main entry.
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'es2023',
  platform: 'neutral',
  external: ['esbuild', 'miniflare'],
})
