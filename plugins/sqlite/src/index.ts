// @backlex/sqlite: the Database service on an embedded SQLite file.
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Database, type DatabaseAdapter, definePlugin } from '@backlex/kernel'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { z } from 'zod'
import pkg from '../package.json' with { type: 'json' }
import { openBunSqlite, openNodeSqlite } from './drivers.js'

export { toSqliteParam } from './drivers.js'

export const sqliteOptions = z.object({
  /** Path of the database file, or `:memory:`. */
  filename: z.string().min(1).default('./.data/backlex.sqlite'),
  /** How long a write waits for a lock before SQLITE_BUSY, in ms. */
  busyTimeoutMs: z.number().int().nonnegative().default(5000),
})

export type SqliteOptions = z.input<typeof sqliteOptions>

const isBun = () => typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined'

/**
 * A SQLite DatabaseAdapter (WAL, foreign keys on, busy timeout). The file opens on the first query.
 * @example
 * const database = createSqliteDatabase({ filename: './.data/app.sqlite' })
 * await database.db.selectFrom('sqlite_master').selectAll().execute()
 * await database.close()
 */
export function createSqliteDatabase(options: SqliteOptions = {}): DatabaseAdapter {
  const { filename, busyTimeoutMs } = sqliteOptions.parse(options)
  const inMemory = filename === ':memory:' || filename.startsWith('file::memory:')
  const bun = isBun()
  const open = async () => {
    if (!inMemory) await mkdir(dirname(filename), { recursive: true })
    const native = await (bun ? openBunSqlite : openNodeSqlite)({ filename, busyTimeoutMs })
    const pragmas = [
      ...(inMemory ? [] : ['journal_mode = WAL', 'synchronous = NORMAL']),
      'foreign_keys = ON',
      `busy_timeout = ${busyTimeoutMs}`,
    ]
    for (const pragma of pragmas) native.prepare(`PRAGMA ${pragma}`).all([])
    return native
  }
  const db = new Kysely({ dialect: new SqliteDialect({ database: open }) })
  return {
    db,
    dialect: 'sqlite',
    driver: bun ? 'bun:sqlite' : 'node:sqlite',
    capabilities: {
      returning: true,
      transactions: true,
      transactionalDdl: true,
      ilike: false,
      jsonb: false,
    },
    close: () => db.destroy(),
  }
}

/**
 * The Database service on SQLite.
 * @example
 * defineConfig({ plugins: [sqlite({ filename: './.data/backlex.sqlite' })] })
 */
export const sqlite = definePlugin({
  name: '@backlex/sqlite',
  version: pkg.version,
  kernel: '^0.1.0',
  provides: [Database],
  options: sqliteOptions,
  register(ctx, options) {
    ctx.provide(Database, () => createSqliteDatabase(options), {
      async start(database, boot) {
        // Open the file now, so a bad path fails the boot instead of the first request.
        await sql`select 1`.execute(database.db)
        boot.logger.debug('sqlite open', { filename: options.filename, driver: database.driver })
      },
      stop: (database) => database.close(),
    })
  },
})
