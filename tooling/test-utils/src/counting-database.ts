// A test database whose statements are counted: a Kysely plugin on the Database adapter, for
// tests that hold the number of queries a request costs (batched relation loading).
import { Database, type DatabaseAdapter, definePlugin, type Plugin } from '@backlex/kernel'
import { createPostgresDatabase } from '@backlex/postgres'
import { createSqliteDatabase } from '@backlex/sqlite'
import type { KyselyPlugin } from 'kysely'
import type { TestDatabase } from './index.js'

export interface QueryCounter {
  /** Statements executed (a query compiled once and run again counts each time). */
  count: number
  /** Queries compiled: reads run again from a compiled template do not count here. */
  compiled: number
  reset(): void
}

export interface CountingDatabase {
  /** The Database plugin to put in a config (closes the adapter on shutdown). */
  plugin: Plugin
  queries: QueryCounter
  /** The adapter without the counter: raw SQL of the test itself is not counted. */
  adapter: DatabaseAdapter
}

/**
 * The Database of `database` with every statement counted (inside transactions too).
 * @example
 * const { plugin, queries } = countingDatabase(await dialect.create())
 * queries.reset(); await app.fetch(request); expect(queries.count).toBe(2)
 */
export function countingDatabase(database: TestDatabase): CountingDatabase {
  const adapter =
    database.dialect === 'sqlite'
      ? createSqliteDatabase({ filename: database.location })
      : createPostgresDatabase({
          connectionString: database.location,
          searchPath: database.schema ?? 'public',
          max: 4,
        })
  const queries: QueryCounter = {
    count: 0,
    compiled: 0,
    reset() {
      this.count = 0
      this.compiled = 0
    },
  }
  const counting: KyselyPlugin = {
    transformQuery(args) {
      queries.compiled++
      return args.node
    },
    transformResult: async (args) => {
      queries.count++
      return args.result
    },
  }
  const wrapped: DatabaseAdapter = { ...adapter, db: adapter.db.withPlugin(counting) }
  const plugin = definePlugin({
    name: '@backlex/test-database',
    version: '0.0.0',
    provides: [Database],
    register(ctx) {
      ctx.provide(Database, () => wrapped)
    },
    async shutdown() {
      await adapter.close()
    },
  })()
  return { plugin, queries, adapter }
}
