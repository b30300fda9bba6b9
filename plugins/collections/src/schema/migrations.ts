// The metadata table of the schema: one row per (workspace, slug) with the definition as
// JSON text. Managed collections' own tables are created at runtime, not here.
import type { PluginMigration } from '@backlex/kernel'

export const COLLECTIONS_TABLE = 'backlex_collections_collections'

const init: PluginMigration = {
  async up(db, dialect) {
    // PostgreSQL keeps real timestamps; SQLite stores the ISO text the rest of backlex reads.
    const timestamp = dialect === 'postgres' ? 'timestamptz' : 'text'
    await db.schema
      .createTable(COLLECTIONS_TABLE)
      .addColumn('workspace', 'text', (c) => c.notNull())
      .addColumn('slug', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('table_name', 'text', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('archived_at', timestamp)
      .addColumn('created_at', timestamp, (c) => c.notNull())
      .addColumn('updated_at', timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${COLLECTIONS_TABLE}_pk`, ['workspace', 'slug'])
      .execute()
    // One collection per physical table: two slugs never wrap the same table.
    await db.schema
      .createIndex(`${COLLECTIONS_TABLE}_table`)
      .on(COLLECTIONS_TABLE)
      .column('table_name')
      .unique()
      .execute()
  },
  async down(db) {
    await db.schema.dropTable(COLLECTIONS_TABLE).execute()
  },
}

/** The schema's migrations; the activity log's (`0100_...` and up) are merged after them. */
export const schemaMigrations: Readonly<Record<string, PluginMigration>> = {
  '0001_collections': init,
}
