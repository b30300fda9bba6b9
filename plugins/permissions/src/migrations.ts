// The permissions table, on both dialects: one row per (workspace, role, collection, action).
import type { PluginMigration } from '@backlex/kernel'

export const PERMISSIONS_TABLE = 'backlex_permissions_permissions'

const init: PluginMigration = {
  async up(db, dialect) {
    // PostgreSQL keeps real timestamps; SQLite stores the ISO text the rest of backlex reads.
    const timestamp = dialect === 'postgres' ? 'timestamptz' : 'text'
    await db.schema
      .createTable(PERMISSIONS_TABLE)
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('collection', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('filter', 'text')
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('validation', 'text')
      .addColumn('presets', 'text')
      .addColumn('created_at', timestamp, (c) => c.notNull())
      .addColumn('updated_at', timestamp, (c) => c.notNull())
      .execute()
    // Unique, and the index rulesFor reads through: (workspace, collection, action) then roles.
    await db.schema
      .createIndex(`${PERMISSIONS_TABLE}_rule_key`)
      .on(PERMISSIONS_TABLE)
      .columns(['workspace', 'collection', 'action', 'role'])
      .unique()
      .execute()
  },
  async down(db) {
    await db.schema.dropTable(PERMISSIONS_TABLE).execute()
  },
}

/** Applied in key order by the kernel. */
export const migrations: Readonly<Record<string, PluginMigration>> = { '0001_init': init }
