// @backlex/postgres: the Database service on PostgreSQL, and PubSub over LISTEN/NOTIFY.
import { Database, definePlugin, PubSub } from '@backlex/kernel'
import { sql } from 'kysely'
import { z } from 'zod'
import pkg from '../package.json' with { type: 'json' }
import { createPostgresDatabase } from './database.js'
import { PostgresErrors } from './errors.js'
import { createPostgresPubSub, type PostgresPubSub } from './pubsub.js'

export { clientConfig, createPostgresDatabase, type PostgresConnection } from './database.js'
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
    ctx.provide(Database, () =>
      createPostgresDatabase({
        ...options,
        connectionString: connectionString(options.connectionString),
      }),
    )
  },
  async boot(ctx) {
    await sql`select 1`.execute(ctx.get(Database).db)
  },
  async shutdown(ctx) {
    await ctx.get(Database).close()
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
    ctx.provide(PubSub, (boot) =>
      createPostgresPubSub({
        ...options,
        connectionString: connectionString(options.connectionString),
        logger: boot.logger,
      }),
    )
  },
  async shutdown(ctx) {
    await (ctx.get(PubSub) as PostgresPubSub).close()
  },
})
