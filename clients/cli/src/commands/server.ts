// Shared by `dev` (inside its supervisor) and `start`: load the config and serve it, with the
// dev console (migration lines, banner, request log) where people read the output.
import module from 'node:module'
import { createBacklex } from '@backlex/kernel'
import { serve, withNodeDefaults } from '@backlex/node'
import type { OptionValues } from '../command.js'
import { formatBanner, formatMigrations } from '../dev-console.js'
import { findConfig, loadConfig } from '../load-config.js'

const str = (value: OptionValues[string]) => (typeof value === 'string' ? value : undefined)

/** Serves the config of the working directory until a signal stops the process. */
export async function startServer(values: OptionValues, mode: 'dev' | 'start'): Promise<'running'> {
  // Set before the config loads, so that it and its plugins see the mode too.
  process.env.NODE_ENV ??= mode === 'dev' ? 'development' : 'production'
  const config = await loadConfig(await findConfig(process.cwd(), str(values.config)))
  const port = str(values.port)
  const hostname = str(values.host)
  const dev = mode === 'dev'
  if (dev && config.migrateOnBoot !== false) {
    // What the boot would apply, applied first so that each migration gets its line; the boot
    // then finds nothing pending. `backlex migrate` runs the same.
    const results = await createBacklex(
      await withNodeDefaults({ ...config, logLevel: config.logLevel ?? 'warn' }),
    ).migrate()
    process.stdout.write(formatMigrations(results))
  }
  const server = await serve(
    { ...config, dev },
    {
      ...(port !== undefined ? { port } : {}),
      ...(hostname !== undefined ? { hostname } : {}),
      // A restart waits for in-flight requests; in dev, an open stream should not hold it up.
      ...(dev ? { shutdownTimeoutMs: 1000, requestLog: true } : {}),
    },
  )
  // In production the output goes to a log collector: the banner only on a terminal.
  if (dev || process.stdout.isTTY) {
    process.stdout.write(formatBanner(mode, server.url, server.kernel.inspect().routes))
  }
  // Everything a start loads is loaded now: write the compile cache (see cli.ts) at once,
  // rather than at exit, which a server stopped with SIGKILL never reaches.
  module.flushCompileCache?.()
  return 'running'
}
