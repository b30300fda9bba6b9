// @backlex/postgres: the Database service on PostgreSQL, and PubSub over LISTEN/NOTIFY.
import { Database, definePlugin, isBacklexError, PubSub } from '@backlex/kernel'
import { sql } from 'kysely'
import { z } from 'zod'
import pkg from '../package.json' with { type: 'json' }
import { createPostgresDatabase } from './database.js'
import { PostgresErrors } from './errors.js'
import { createPostgresPubSub, type PostgresPubSub } from './pubsub.js'

export { isConnectionLoss } from './connection-loss.js'
export {
  clientConfig,
  createPostgresDatabase,
  type PostgresConnection,
  type PostgresDatabaseOptions,
} from './database.js'
export { PostgresErrors } from './errors.js'
export { createPostgresPubSub, type PostgresPubSub, type PostgresPubSubOptions } from './pubsub.js'

const connectionOptions = z.object({
  /** `postgres://user:pass@host:5432/db`; defaults to the DATABASE_URL environment variable. */
  connectionString: z.string().min(1).optional(),
  /** Schema(s) for the search_path, e.g. `app,public`. */
  searchPath: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*(,[a-z_][a-z0-9_]*)*$/, 'comma-separated schema names')
    .optional(),
  max: z.number().int().positive().optional(),
  /** Longest wait to open (or be given) a connection before DATABASE_UNAVAILABLE, in ms. */
  connectionTimeoutMs: z.number().int().nonnegative().optional(),
})

function connectionString(given: string | undefined): string {
  const value = given ?? globalThis.process?.env?.DATABASE_URL
  if (!value) throw PostgresErrors.NO_CONNECTION_STRING()
  return value
}

/**
 * The Database service on PostgreSQL.
 * @example
 * defineConfig({ plugins: [postgres({ connectionString: process.env.DATABASE_URL })] })
 */
export const postgres = definePlugin({
  name: '@backlex/postgres',
  version: pkg.version,
  kernel: '^0.1.0',
  provides: [Database],
  options: connectionOptions,
  register(ctx, options) {
    ctx.provide(
      Database,
      (boot) =>
        createPostgresDatabase({
          ...options,
          connectionString: connectionString(options.connectionString),
          logger: boot.logger,
        }),
      {
        async start(database) {
          try {
            await sql`select 1`.execute(database.db)
          } catch (error) {
            // At boot the server's own words (e.g. `connect ECONNREFUSED 10.0.0.5:5432`) help
            // more than a 503: the kernel reports them as BOOT_FAILED with this plugin's name.
            throw isBacklexError(error) && error.code === 'DATABASE_UNAVAILABLE'
              ? error.cause
              : error
          }
        },
        stop: (database) => database.close(),
      },
    )
  },
})

/**
 * The PubSub service on PostgreSQL LISTEN/NOTIFY: realtime events reach every instance.
 * @example
 * defineConfig({ plugins: [postgres(), postgresPubSub()] })
 */
export const postgresPubSub = definePlugin({
  name: '@backlex/postgres-pubsub',
  version: pkg.version,
  kernel: '^0.1.0',
  provides: [PubSub],
  options: connectionOptions.extend({
    channel: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/)
      .default('backlex_pubsub'),
  }),
  register(ctx, options) {
    ctx.provide(
      PubSub,
      (boot): PostgresPubSub =>
        createPostgresPubSub({
          ...options,
          connectionString: connectionString(options.connectionString),
          logger: boot.logger,
        }),
      { stop: (pubsub) => pubsub.close() },
    )
  },
})
