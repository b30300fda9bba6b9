// Per-plugin migrations on both dialects: own tables, applied by migrate() or at boot in dev.
import { definePlugin, migrationTableName, type PluginMigration } from '@backlex/kernel'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { dialects, harness } from './helpers.js'

const createTable = (table: string): PluginMigration => ({
  async up(db) {
    await db.schema
      .createTable(table)
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('title', 'text', (c) => c.notNull())
      .execute()
  },
  async down(db) {
    await db.schema.dropTable(table).execute()
  },
})

const books = definePlugin({
  name: '@acme/books',
  version: '1.0.0',
  migrations: {
    '0001_books': createTable('acme_books'),
    '0002_authors': createTable('acme_authors'),
  },
})

const films = definePlugin({
  name: '@acme/films',
  version: '1.0.0',
  migrations: {
    '0001_films': {
      async up(db, dialect) {
        // Dialect-specific DDL is allowed: the migration is told which one it runs on.
        const type = dialect === 'postgres' ? 'jsonb' : 'text'
        await sql`create table acme_films (id integer primary key, meta ${sql.raw(type)})`.execute(
          db,
        )
      },
    },
  },
})

const broken = definePlugin({
  name: '@acme/broken',
  version: '1.0.0',
  migrations: {
    '0001_bad': {
      async up(db) {
        await sql`create table this is not sql`.execute(db)
      },
    },
  },
})

describe.each(dialects.filter((d) => d.available))('migrations on $dialect', (dialect) => {
  it('applies each plugin in its own migration table and reports status', async () => {
    const h = await harness(dialect)
    const app = h.kernel([books(), films()])
    const before = await app.migrationStatus()
    expect(before.map((s) => [s.plugin, s.table])).toEqual([
      ['@acme/books', 'backlex_acme_books_migrations'],
      ['@acme/films', 'backlex_acme_films_migrations'],
    ])
    expect(before.flatMap((s) => s.migrations.map((m) => m.executedAt))).toEqual([null, null, null])

    const applied = await app.migrate()
    expect(applied).toEqual([
      { plugin: '@acme/books', applied: ['0001_books', '0002_authors'] },
      { plugin: '@acme/films', applied: ['0001_films'] },
    ])
    expect(await app.migrate()).toEqual([
      { plugin: '@acme/books', applied: [] },
      { plugin: '@acme/films', applied: [] },
    ])
    const after = await app.migrationStatus()
    for (const m of after.flatMap((s) => s.migrations)) expect(m.executedAt).toMatch(/^\d{4}-/)

    // The tables exist and work after migrate(), in a fresh boot without dev mode.
    const runtime = h.kernel([books(), films()])
    await runtime.boot()
    const { Database } = await import('@backlex/kernel')
    const db = runtime.get(Database).db
    await db.insertInto('acme_books').values({ id: 1, title: 'Dune' }).execute()
    expect(await db.selectFrom('acme_books').selectAll().execute()).toEqual([
      { id: 1, title: 'Dune' },
    ])
    expect(migrationTableName('@backlex/auth')).toBe('backlex_auth_migrations')
  })

  it('applies migrations at boot in dev mode only', async () => {
    const h = await harness(dialect)
    const prod = h.kernel([books()])
    await prod.boot()
    expect((await prod.migrationStatus())[0]?.migrations.every((m) => m.executedAt === null)).toBe(
      true,
    )
    await prod.shutdown()

    const dev = h.kernel([books()], { dev: true })
    await dev.boot()
    expect((await dev.migrationStatus())[0]?.migrations.every((m) => m.executedAt !== null)).toBe(
      true,
    )
  })

  it('fails with MIGRATION_FAILED naming the plugin and migration, leaving others applied', async () => {
    const h = await harness(dialect)
    const app = h.kernel([books(), broken()])
    const error = await app.migrate().then(
      () => undefined,
      (e: { code: string; message: string }) => e,
    )
    expect(error?.code).toBe('MIGRATION_FAILED')
    expect(error?.message).toContain('@acme/broken')
    expect(error?.message).toContain('0001_bad')
    const status = await app.migrationStatus()
    expect(
      status.find((s) => s.plugin === '@acme/books')?.migrations.every((m) => m.executedAt),
    ).toBe(true)
    expect(status.find((s) => s.plugin === '@acme/broken')?.migrations[0]?.executedAt).toBeNull()
  })

  it.runIf(dialect.dialect === 'postgres')(
    'keeps migration tables per schema: a second app in another schema migrates on its own',
    async () => {
      const first = await harness(dialect)
      const second = await harness(dialect)
      await first.kernel([books()]).migrate()
      // The same plugin's migration tables now exist in the first schema; the second must still
      // create its own instead of believing they exist.
      expect(await second.kernel([books()]).migrate()).toEqual([
        { plugin: '@acme/books', applied: ['0001_books', '0002_authors'] },
      ])
    },
  )
})
