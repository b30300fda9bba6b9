import { defineConfig } from 'tsup'

export default defineConfig({
  // report-loaded is loaded with `--import` into `backlex dev`'s server process.
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli.ts',
    'report-loaded': 'src/dev/report-loaded.ts',
  },
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  target: 'es2023',
  platform: 'node',
})
