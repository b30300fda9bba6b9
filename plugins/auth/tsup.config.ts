import { defineConfig } from 'tsup'

export default defineConfig({
  // `contract` is the Auth token and the service's types alone, without better-auth.
  entry: { index: 'src/index.ts', contract: 'src/contract.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'es2023',
  platform: 'neutral',
  removeNodeProtocol: false,
})
