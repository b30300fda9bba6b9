// The activity log's table, on both dialects. It keeps the name it had when the log lived in
// @backlex/collections, so a database made then keeps its rows and its revisions' foreign key.
import type { PluginMigration, SqlDialect } from '@backlex/kernel'
import { sql } from 'kysely'
import type { ActivityDb } from './contract.js'

export const ACTIVITY_TABLE = 'backlex_collections_activity'

/** Item actions from before they were dot-namespaced, and what they became. */
const ITEM_ACTIONS = ['create', 'update', 'delete'] as const

/** The columns the table has in the current schema (none when it does not exist). */
async function columnsOf(db: ActivityDb, dialect: SqlDialect): Promise<Set<string>> {
  const result =
    dialect === 'postgres'
      ? await sql<{
          name: string
        }>`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = ${ACTIVITY_TABLE}`.execute(
          db,
        )
      : await sql<{ name: string }>`select name from pragma_table_info(${ACTIVITY_TABLE})`.execute(
          db,
        )
  return new Set(result.rows.map((row) => row.name))
}

/**
 * Creates the table, or takes over the one @backlex/collections made (its migrations `0100` and
 * `0101`, recorded in its own migration table and never re-run): only what is missing is added,
 * so this runs on a new database and on one made before the log had its own package.
 */
const activityLog: PluginMigration = {
  async up(db, dialect) {
    const pg = dialect === 'postgres'
    // PostgreSQL keeps real timestamps and jsonb; SQLite stores ISO text and JSON text.
    const timestamp = pg ? 'timestamptz' : 'text'
    const json = pg ? 'jsonb' : 'text'
    const columns = await columnsOf(db, dialect)
    if (columns.size === 0) {
      // `collection` and `item` are NOT NULL and store '' for "none" (the API answers null):
      // the table this one replaces had them so, and SQLite cannot relax NOT NULL in place.
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
        .addColumn('detail', json)
        .execute()
    } else if (!columns.has('detail')) {
      // A table from before `detail` (collections' 0101): add it and dot-namespace item actions.
      await db.schema.alterTable(ACTIVITY_TABLE).addColumn('detail', json).execute()
      await sql`update ${sql.table(ACTIVITY_TABLE)} set action = 'item.' || action where action in (${sql.join([...ITEM_ACTIONS])})`.execute(
        db,
      )
    }
    await db.schema
      .createIndex(`${ACTIVITY_TABLE}_by_time`)
      .ifNotExists()
      .on(ACTIVITY_TABLE)
      .columns(['workspace', 'created_at'])
      .execute()
    await db.schema
      .createIndex(`${ACTIVITY_TABLE}_by_user`)
      .ifNotExists()
      .on(ACTIVITY_TABLE)
      .columns(['workspace', 'user_id', 'created_at'])
      .execute()
  },
  async down(db) {
    await db.schema.dropTable(ACTIVITY_TABLE).execute()
  },
}

/** The migrations of @backlex/activity (its own table: `backlex_activity_migrations`). */
export const activityMigrations: Readonly<Record<string, PluginMigration>> = {
  '0001_activity_log': activityLog,
}
