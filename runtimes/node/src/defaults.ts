// What the Node preset adds to a config: the runtime it runs on and, when the config names
// no Database provider, embedded SQLite or (with DATABASE_URL) PostgreSQL.
import { resolve } from 'node:path'
import { type BacklexConfig, Database, type Plugin, type RuntimeInfo } from '@backlex/kernel'

/**
 * The client's address on Node: the socket peer of the request, from `@hono/node-server`'s
 * bindings. IPv4 peers of a dual-stack socket (`::ffff:1.2.3.4`) are given as plain IPv4.
 */
function nodeClientAddress(_request: Request, env: unknown): string | null {
  const address = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
    ?.incoming?.socket?.remoteAddress
  if (!address) return null
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}

/**
 * The Node runtime: a filesystem, a process and raw TCP sockets besides the Web APIs, and
 * background work after a response simply runs on (the process outlives the request).
 * @example
 * createBacklex({ ...config, runtime: nodeRuntime })
 */
export const nodeRuntime: RuntimeInfo = {
  name: 'node',
  capabilities: ['filesystem', 'process', 'tcp', 'fetch', 'web-crypto', 'streams', 'wait-until'],
  clientAddress: nodeClientAddress,
}

/** Where the embedded SQLite database lives, relative to the working directory. */
export const DEFAULT_SQLITE_FILE = '.data/backlex.sqlite'

export interface NodeDefaultsOptions {
  /** Read for `DATABASE_URL` (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>
  /** Directory the SQLite file is placed under (default `process.cwd()`). */
  cwd?: string
}

/**
 * True when a plugin of the config lists the kernel's Database token in `provides`.
 * @example
 * providesDatabase({ plugins: [sqlite()] }) // true
 */
export function providesDatabase(config: BacklexConfig): boolean {
  return config.plugins.some((plugin) =>
    (plugin?.spec?.provides ?? []).some((token) => token.id === Database.id),
  )
}

/**
 * The Database plugin the Node preset uses when the config has none: PostgreSQL when
 * `DATABASE_URL` is set, else SQLite at `./.data/backlex.sqlite`.
 * @example
 * const plugin = await defaultDatabase({ env: { DATABASE_URL: 'postgres://localhost/app' } })
 */
export async function defaultDatabase(options: NodeDefaultsOptions = {}): Promise<Plugin> {
  const env = options.env ?? process.env
  const url = env.DATABASE_URL?.trim()
  // Imported on demand: pg is only loaded by servers that use it, which keeps boot fast.
  if (url) {
    const { postgres } = await import('@backlex/postgres')
    return postgres({ connectionString: url })
  }
  const { sqlite } = await import('@backlex/sqlite')
  return sqlite({ filename: resolve(options.cwd ?? process.cwd(), DEFAULT_SQLITE_FILE) })
}

/**
 * The config as the Node preset runs it: `runtime` set to Node, and a default Database
 * plugin first in `plugins` unless one is already there. `serve()` and the CLI's `migrate`,
 * `plugins` and `routes` all go through this, so they see the same plugin set.
 * @example
 * const config = await withNodeDefaults(defineConfig({ plugins: [hello()] }))
 * await createBacklex(config).migrate()
 */
export async function withNodeDefaults(
  config: BacklexConfig,
  options: NodeDefaultsOptions = {},
): Promise<BacklexConfig> {
  const plugins = providesDatabase(config)
    ? config.plugins
    : [await defaultDatabase(options), ...config.plugins]
  return { ...config, runtime: nodeRuntime, plugins }
}
