// The activity log's tables: the activity log (who did what, when, from where) and revisions
// (each item's values after every change, and what changed), on both dialects.
import type { PluginMigration } from '@backlex/kernel'
import { sql } from 'kysely'

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

/** Item actions before they were dot-namespaced, and what they became. */
const ITEM_ACTIONS = ['create', 'update', 'delete'] as const

/**
 * The activity log becomes the log of every plugin (the ActivityLog service): a `detail` JSON
 * column, and dot-namespaced actions (`item.create`, `mcp.call`, ...).
 *
 * `collection` and `item` stay NOT NULL, and an entry about no collection or item stores ''
 * there (the API answers null). SQLite cannot drop NOT NULL without rebuilding the table, and a
 * rebuild would drop and re-create the table the revisions' ON DELETE CASCADE foreign key
 * points at, risking every revision.
 */
const detail: PluginMigration = {
  async up(db, dialect) {
    await db.schema
      .alterTable(ACTIVITY_TABLE)
      .addColumn('detail', dialect === 'postgres' ? 'jsonb' : 'text')
      .execute()
    await sql`update ${sql.table(ACTIVITY_TABLE)} set action = 'item.' || action where action in (${sql.join([...ITEM_ACTIONS])})`.execute(
      db,
    )
  },
  async down(db) {
    await sql`update ${sql.table(ACTIVITY_TABLE)} set action = substr(action, 6) where action in (${sql.join(ITEM_ACTIONS.map((a) => `item.${a}`))})`.execute(
      db,
    )
    await db.schema.alterTable(ACTIVITY_TABLE).dropColumn('detail').execute()
  },
}

/** Named `0100_...` and up: merged after the schema's migrations. */
export const activityMigrations: Readonly<Record<string, PluginMigration>> = {
  '0100_items_activity_revisions': init,
  '0101_activity_detail': detail,
}
