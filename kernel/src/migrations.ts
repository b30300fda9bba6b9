// Per-plugin migrations on Kysely's Migrator: each plugin has its own migration and
// lock tables (`backlex_<plugin>_migrations`), so plugins migrate independently.
import { type Migration, Migrator, sql } from 'kysely'
import type { DatabaseAdapter } from './contracts/database.js'
import { KernelErrors } from './errors.js'
import type { PluginMigration } from './plugin.js'

export interface PluginMigrations {
  plugin: string
  migrations: Readonly<Record<string, PluginMigration>>
}

export interface MigrationStatus {
  plugin: string
  table: string
  migrations: { name: string; executedAt: string | null }[]
}

export interface MigrationResult {
  plugin: string
  applied: string[]
}

/** `@backlex/auth` -> `auth`, `@acme/hello-world` -> `acme_hello_world`. */
export function pluginSlug(plugin: string): string {
  return plugin
    .replace(/^@backlex\//, '')
    .replace(/^@/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
}

export function migrationTableName(plugin: string): string {
  return `backlex_${pluginSlug(plugin)}_migrations`
}

/**
 * On PostgreSQL the migration tables live in the current schema, named explicitly: Kysely's
 * existence check otherwise looks at every schema, and a second app (or test) in another
 * schema of the same database would make it skip creating them here.
 */
async function migrationSchema(database: DatabaseAdapter): Promise<string | undefined> {
  if (database.dialect !== 'postgres') return undefined
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(
    database.db,
  )
  return rows[0]?.schema
}

function migratorFor(
  database: DatabaseAdapter,
  entry: PluginMigrations,
  schema: string | undefined,
): Migrator {
  const table = migrationTableName(entry.plugin)
  const migrations: Record<string, Migration> = {}
  for (const [name, m] of Object.entries(entry.migrations)) {
    migrations[name] = {
      up: (db) => m.up(db, database.dialect),
      ...(m.down
        ? { down: (db) => (m.down as NonNullable<typeof m.down>)(db, database.dialect) }
        : {}),
    }
  }
  return new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: table,
    migrationLockTableName: `${table}_lock`,
    ...(schema ? { migrationTableSchema: schema } : {}),
  })
}

/** Applies every pending migration of each plugin, in the order given. */
export async function applyMigrations(
  database: DatabaseAdapter,
  entries: readonly PluginMigrations[],
): Promise<MigrationResult[]> {
  const results: MigrationResult[] = []
  const schema = await migrationSchema(database)
  for (const entry of entries) {
    if (Object.keys(entry.migrations).length === 0) continue
    const { error, results: steps = [] } = await migratorFor(
      database,
      entry,
      schema,
    ).migrateToLatest()
    if (error) {
      const failed = steps.find((s) => s.status === 'Error')?.migrationName ?? '(setup)'
      throw KernelErrors.MIGRATION_FAILED(entry.plugin, failed, error)
    }
    results.push({
      plugin: entry.plugin,
      applied: steps.filter((s) => s.status === 'Success').map((s) => s.migrationName),
    })
  }
  return results
}

/** Which migrations of each plugin have run, and when. */
export async function readMigrationStatus(
  database: DatabaseAdapter,
  entries: readonly PluginMigrations[],
): Promise<MigrationStatus[]> {
  const status: MigrationStatus[] = []
  const schema = await migrationSchema(database)
  for (const entry of entries) {
    if (Object.keys(entry.migrations).length === 0) continue
    const infos = await migratorFor(database, entry, schema).getMigrations()
    status.push({
      plugin: entry.plugin,
      table: migrationTableName(entry.plugin),
      migrations: infos.map((info) => ({
        name: info.name,
        executedAt: info.executedAt ? new Date(info.executedAt).toISOString() : null,
      })),
    })
  }
  return status
}
