// The Database service on Cloudflare D1: `createD1Database(env.DB)` and the `d1()` plugin.
import { Database, type DatabaseAdapter, definePlugin } from '@backlex/kernel'
import { type Compilable, Kysely, type QueryResult, sql } from 'kysely'
import { z } from 'zod'
import pkg from '../../package.json' with { type: 'json' }
import { CloudflareEnv, type CloudflareEnvBindings } from '../env.js'
import { CloudflareErrors } from '../errors.js'
import { D1Dialect, type D1DialectOptions, prepareD1, toQueryResult } from './dialect.js'
import { type D1DatabaseLike, isD1Database } from './types.js'

export { D1Dialect, type D1DialectOptions } from './dialect.js'
export { D1Introspector } from './introspector.js'
export { type D1Param, toD1Param } from './params.js'
export {
  type D1DatabaseLike,
  type D1PreparedStatementLike,
  type D1ResultLike,
  type D1ResultMeta,
  isD1Database,
} from './types.js'

/** A DatabaseAdapter on D1, plus the one atomic write D1 offers. */
export interface D1DatabaseAdapter extends DatabaseAdapter {
  /** The D1 binding underneath. */
  readonly d1: D1DatabaseLike
  /**
   * Runs queries as one D1 batch: all commit or none do. D1's stand-in for a transaction,
   * without reads in between.
   * @example
   * await database.batch([
   *   db.insertInto('a').values(row),
   *   db.updateTable('b').set({ n: 1 }).where('id', '=', id),
   * ])
   */
  batch(queries: readonly Compilable[]): Promise<QueryResult<unknown>[]>
}

export type D1DatabaseOptions = Omit<D1DialectOptions, 'database'>

/**
 * A DatabaseAdapter on a D1 binding. Capabilities: no transactions (D1 has none), RETURNING.
 * @example
 * const database = createD1Database(env.DB)
 * await database.db.selectFrom('notes').selectAll().execute()
 */
export function createD1Database(
  d1: D1DatabaseLike,
  options: D1DatabaseOptions = {},
): D1DatabaseAdapter {
  const db = new Kysely({ dialect: new D1Dialect({ ...options, database: d1 }) })
  return {
    db,
    d1,
    dialect: 'sqlite',
    driver: 'd1',
    capabilities: {
      returning: true,
      transactions: false,
      transactionalDdl: false,
      ilike: false,
      jsonb: false,
    },
    async batch(queries) {
      const compiled = queries.map((q) => q.compile())
      const results = await d1.batch(compiled.map((query) => prepareD1(d1, query)))
      return results.map((result, i) =>
        toQueryResult(compiled[i] as (typeof compiled)[number], result),
      )
    },
    // A binding has nothing to close; the isolate owns it.
    close: () => db.destroy(),
  }
}

export const d1Options = z.object({
  /** The binding's name in the Worker's env, or the binding itself (`env.DB`). */
  binding: z
    .union([
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a binding name'),
      z.custom<D1DatabaseLike>(isD1Database, 'a D1 binding'),
    ])
    .default('DB'),
  /** A migration lock older than this is taken as abandoned by a dead isolate. */
  migrationLockLeaseMs: z.number().int().positive().optional(),
})

export type D1Options = z.input<typeof d1Options>

function resolveBinding(
  ctx: { use(token: typeof CloudflareEnv): CloudflareEnvBindings | undefined },
  binding: string | D1DatabaseLike,
): D1DatabaseLike {
  if (typeof binding !== 'string') return binding
  const env = ctx.use(CloudflareEnv)
  if (!env) throw CloudflareErrors.D1_NO_ENV(binding)
  const found = env[binding]
  if (!isD1Database(found)) throw CloudflareErrors.D1_BINDING_MISSING(binding)
  return found
}

/**
 * The Database service on D1. `createWorker()` adds `d1()` on its own when the config has no
 * Database plugin; list it to pick another binding.
 * @example
 * export default createWorker(defineConfig({ plugins: [d1({ binding: 'MAIN_DB' }), hello()] }))
 */
export const d1 = definePlugin({
  name: '@backlex/cloudflare-d1',
  version: pkg.version,
  kernel: '^0.1.0',
  provides: [Database],
  optional: [CloudflareEnv],
  options: d1Options,
  register(ctx, options) {
    ctx.provide(
      Database,
      (boot) =>
        createD1Database(
          resolveBinding(boot, options.binding),
          options.migrationLockLeaseMs
            ? { migrationLockLeaseMs: options.migrationLockLeaseMs }
            : {},
        ),
      {
        // Resolve the binding now, so a missing one fails the boot with its name.
        start: async (database) => {
          await sql`select 1`.execute(database.db)
        },
      },
    )
  },
})
