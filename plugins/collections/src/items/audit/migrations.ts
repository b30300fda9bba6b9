// The items half's tables: the activity log (who did what, when, from where) and revisions
// (each item's values after every change, and what changed), on both dialects.
import type { PluginMigration } from '@backlex/kernel'

export const ACTIVITY_TABLE = 'backlex_collections_activity'
export const REVISIONS_TABLE = 'backlex_collections_revisions'

const init: PluginMigration = {
  async up(db, dialect) {
    const pg = dialect === 'postgres'
    // PostgreSQL keeps real timestamps and jsonb; SQLite stores ISO text and JSON text.
    const timestamp = pg ? 'timestamptz' : 'text'
    const json = pg ? 'jsonb' : 'text'
    await db.schema
      .createTable(ACTIVITY_TABLE)
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('collection', 'text', (c) => c.notNull())
      .addColumn('item', 'text', (c) => c.notNull())
      .addColumn('principal_type', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('api_key_id', 'text')
      .addColumn('client_address', 'text')
      .addColumn('request_id', 'text')
      .addColumn('created_at', timestamp, (c) => c.notNull())
      .execute()
    await db.schema
      .createIndex(`${ACTIVITY_TABLE}_by_time`)
      .on(ACTIVITY_TABLE)
      .columns(['workspace', 'created_at'])
      .execute()
    await db.schema
      .createIndex(`${ACTIVITY_TABLE}_by_user`)
      .on(ACTIVITY_TABLE)
      .columns(['workspace', 'user_id', 'created_at'])
      .execute()
    await db.schema
      .createTable(REVISIONS_TABLE)
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace', 'text', (c) => c.notNull())
      .addColumn('collection', 'text', (c) => c.notNull())
      .addColumn('item', 'text', (c) => c.notNull())
      .addColumn('activity_id', 'text', (c) =>
        c.notNull().references(`${ACTIVITY_TABLE}.id`).onDelete('cascade'),
      )
      .addColumn('data', json)
      .addColumn('delta', json)
      .addColumn('created_at', timestamp, (c) => c.notNull())
      .execute()
    await db.schema
      .createIndex(`${REVISIONS_TABLE}_by_item`)
      .on(REVISIONS_TABLE)
      .columns(['workspace', 'collection', 'item', 'created_at'])
      .execute()
  },
  async down(db) {
    await db.schema.dropTable(REVISIONS_TABLE).execute()
    await db.schema.dropTable(ACTIVITY_TABLE).execute()
  },
}

/** Named `0100_...` and up: merged after the schema half's migrations. */
export const itemsMigrations: Readonly<Record<string, PluginMigration>> = {
  '0100_items_activity_revisions': init,
}
