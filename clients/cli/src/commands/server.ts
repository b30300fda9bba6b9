// Shared by `dev` (inside its watcher) and `start`: load the config and serve it.
import module from 'node:module'
import { serve } from '@backlex/node'
import type { OptionValues } from '../command.js'
import { findConfig, loadConfig } from '../load-config.js'

const str = (value: OptionValues[string]) => (typeof value === 'string' ? value : undefined)

/** Serves the config of the working directory until a signal stops the process. */
export async function startServer(values: OptionValues, mode: 'dev' | 'start'): Promise<'running'> {
  // Set before the config loads, so that it and its plugins see the mode too.
  process.env.NODE_ENV ??= mode === 'dev' ? 'development' : 'production'
  const config = await loadConfig(await findConfig(process.cwd(), str(values.config)))
  const port = str(values.port)
  const hostname = str(values.host)
  await serve(
    { ...config, dev: mode === 'dev' },
    {
      ...(port !== undefined ? { port } : {}),
      ...(hostname !== undefined ? { hostname } : {}),
      // A restart waits for in-flight requests; in dev, an open stream should not hold it up.
      ...(mode === 'dev' ? { shutdownTimeoutMs: 1000 } : {}),
    },
  )
  // Everything a start loads is loaded now: write the compile cache (see cli.ts) at once,
  // rather than at exit, which a server stopped with SIGKILL never reaches.
  module.flushCompileCache?.()
  return 'running'
}
