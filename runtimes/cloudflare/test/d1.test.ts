// The D1 adapter against workerd's D1, driven from Node through Miniflare's binding proxy.
import {
  createBacklex,
  Database,
  type DatabaseAdapter,
  defineConfig,
  definePlugin,
  isBacklexError,
  type PluginMigration,
} from '@backlex/kernel'
import { type Kysely, Migrator } from 'kysely'
import { Miniflare } from 'miniflare'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cloudflareEnv, createD1Database, type D1DatabaseLike, d1 } from '../src/index.js'

const quiet = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return quiet
  },
}

let miniflare: Miniflare
let binding: D1DatabaseLike

beforeEach(async () => {
  miniflare = new Miniflare({
    modules: true,
    script: 'export default { fetch: () => new Response(null, { status: 204 }) }',
    compatibilityDate: '2025-09-01',
    d1Databases: ['DB'],
  })
  binding = await miniflare.getD1Database('DB')
})
afterEach(() => miniflare.dispose())

const codeOf = async (work: Promise<unknown>) => {
  try {
    await work
  } catch (error) {
    return isBacklexError(error) ? error.code : String(error)
  }
  return 'no error'
}

describe('createD1Database', () => {
  // biome-ignore lint/suspicious/noExplicitAny: tables made in the test
  const notes = async (db: Kysely<any>) => {
    await db.schema
      .createTable('notes')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('flag', 'boolean')
      .addColumn('at', 'text')
      .addColumn('big', 'integer')
      .addColumn('meta', 'text')
      .addColumn('body', 'text', (c) => c.unique())
      .execute()
  }

  it('binds booleans as 1/0, dates as ISO strings, bigints as numbers, objects as JSON', async () => {
    const { db } = createD1Database(binding)
    await notes(db)
    const at = new Date('2025-01-02T03:04:05.678Z')
    const inserted = await db
      .insertInto('notes')
      .values({ flag: true, at, big: 42n, meta: { a: 1 }, body: 'x' })
      .executeTakeFirstOrThrow()
    expect(inserted.insertId).toBe(1n)
    const row = await db.selectFrom('notes').selectAll().executeTakeFirstOrThrow()
    expect(row).toEqual({
      id: 1,
      flag: 1,
      at: '2025-01-02T03:04:05.678Z',
      big: 42,
      meta: '{"a":1}',
      body: 'x',
    })
    const flagged = await db.selectFrom('notes').where('flag', '=', true).select('id').execute()
    expect(flagged).toEqual([{ id: 1 }])
  })

  it('reports affected rows and supports RETURNING', async () => {
    const { db } = createD1Database(binding)
    await notes(db)
    const returned = await db
      .insertInto('notes')
      .values([{ body: 'a' }, { body: 'b' }])
      .returning(['id', 'body'])
      .execute()
    expect(returned).toEqual([
      { id: 1, body: 'a' },
      { id: 2, body: 'b' },
    ])
    const updated = await db.updateTable('notes').set({ flag: false }).executeTakeFirst()
    expect(updated.numUpdatedRows).toBe(2n)
    const none = await db.deleteFrom('notes').where('id', '=', 99).executeTakeFirst()
    expect(none.numDeletedRows).toBe(0n)
  })

  it('says so clearly when asked for a transaction, and writes nothing', async () => {
    const database = createD1Database(binding)
    await notes(database.db)
    expect(database.capabilities.transactions).toBe(false)
    const code = await codeOf(
      database.db
        .transaction()
        .execute((trx) => trx.insertInto('notes').values({ body: 'x' }).execute()),
    )
    expect(code).toBe('D1_NO_TRANSACTIONS')
    expect(await database.db.selectFrom('notes').selectAll().execute()).toEqual([])
  })

  it('commits a batch all together or not at all', async () => {
    const database = createD1Database(binding)
    const { db } = database
    await notes(db)
    const results = await database.batch([
      db.insertInto('notes').values({ body: 'one' }),
      db.insertInto('notes').values({ body: 'two' }).returning('id'),
    ])
    expect(results[1]?.rows).toEqual([{ id: 2 }])
    // The second insert breaks the unique constraint: the first must not stay behind.
    await expect(
      database.batch([
        db.insertInto('notes').values({ body: 'three' }),
        db.insertInto('notes').values({ body: 'one' }),
      ]),
    ).rejects.toThrow(/UNIQUE/)
    const bodies = await db.selectFrom('notes').select('body').orderBy('id').execute()
    expect(bodies.map((r) => r.body)).toEqual(['one', 'two'])
  })

  it('introspects tables without touching D1-internal _cf_ tables', async () => {
    const { db } = createD1Database(binding)
    await notes(db)
    const master = await binding.prepare('select name from sqlite_master').all<{ name: string }>()
    expect(master.results.some((r) => r.name.startsWith('_cf_'))).toBe(true)
    const tables = await db.introspection.getTables()
    expect(tables.map((t) => t.name)).toEqual(['notes'])
    expect(tables[0]?.columns.find((c) => c.name === 'id')?.isAutoIncrementing).toBe(true)
  })
})

describe('kernel migrations on D1', () => {
  const createTable: PluginMigration = {
    async up(db) {
      await db.schema
        .createTable('acme_items')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .execute()
    },
  }
  const items = definePlugin({
    name: '@acme/items',
    version: '1.0.0',
    migrations: { '0001_items': createTable },
  })
  const app = (db: D1DatabaseLike) =>
    createBacklex(
      defineConfig({ plugins: [cloudflareEnv({ env: { DB: db } }), d1(), items()], logger: quiet }),
    )

  it('applies each migration once when two isolates migrate at the same time', async () => {
    const [a, b] = await Promise.all([app(binding).migrate(), app(binding).migrate()])
    const applied = [...(a[0]?.applied ?? []), ...(b[0]?.applied ?? [])]
    expect(applied).toEqual(['0001_items'])
    const rows = await binding.prepare('select name from backlex_acme_items_migrations').all()
    expect(rows.results).toEqual([{ name: '0001_items' }])
    const [status] = await app(binding).migrationStatus()
    expect(status?.migrations[0]?.executedAt).toMatch(/^\d{4}-\d\d-\d\dT/)
  })

  it('migrates at boot when migrateOnBoot is set', async () => {
    const kernel = createBacklex(
      defineConfig({
        plugins: [d1({ binding }), items()],
        migrateOnBoot: true,
        logger: quiet,
      }),
    )
    await kernel.boot()
    const database: DatabaseAdapter = kernel.get(Database)
    expect(database.driver).toBe('d1')
    expect(await database.db.selectFrom('acme_items').selectAll().execute()).toEqual([])
    await kernel.shutdown()
  })

  it('fails the boot with the binding name when it is missing or there is no env', async () => {
    const missing = createBacklex(
      defineConfig({
        plugins: [cloudflareEnv({ env: {} }), d1({ binding: 'MAIN' })],
        logger: quiet,
      }),
    )
    expect(await codeOf(missing.boot())).toBe('D1_BINDING_MISSING')
    const noEnv = createBacklex(defineConfig({ plugins: [d1()], logger: quiet }))
    expect(await codeOf(noEnv.boot())).toBe('D1_NO_ENV')
  })
})

describe('the D1 migration lock', () => {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run on an untyped schema
  const migrator = (db: Kysely<any>) =>
    new Migrator({
      db,
      provider: { getMigrations: async () => ({ '0001': createNothing }) },
      migrationTableName: 'm',
      migrationLockTableName: 'm_lock',
    })
  const createNothing = { up: async () => {} }

  it('waits for a live lock and gives up with D1_MIGRATION_LOCKED', async () => {
    const { db } = createD1Database(binding, { migrationLockWaitMs: 200 })
    await migrator(db).migrateToLatest() // creates m and m_lock, applies 0001
    await db.updateTable('m_lock').set({ is_locked: Date.now() }).execute()
    const { error } = await migrator(db).migrateToLatest()
    expect(isBacklexError(error) && error.code).toBe('D1_MIGRATION_LOCKED')
  })

  it('takes over a lock a dead isolate left behind once its lease ran out', async () => {
    const { db } = createD1Database(binding, { migrationLockLeaseMs: 1000 })
    await migrator(db).migrateToLatest()
    await db
      .updateTable('m_lock')
      .set({ is_locked: Date.now() - 60_000 })
      .execute()
    const { error } = await migrator(db).migrateToLatest()
    expect(error).toBeUndefined()
    const lock = await db.selectFrom('m_lock').select('is_locked').executeTakeFirstOrThrow()
    expect(lock.is_locked).toBe(0)
  })
})
