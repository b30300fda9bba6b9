// The revisions table: each item's values after every change, and what changed, on both
// dialects. The activity log's table is @backlex/activity's (its migration takes over the one
// these migrations made before the log had its own package).
import type { PluginMigration } from '@backlex/kernel'
import { sql } from 'kysely'

export const REVISIONS_TABLE = 'backlex_collections_revisions'

/**
 * The revisions table. On a database made before @backlex/activity existed this ran already
 * (with the activity table, and `activity_id` a NOT NULL foreign key to it); now it makes the
 * revisions table alone, `activity_id` a plain reference that is null when the activity log is
 * not installed (the activity table may not exist, so there is no foreign key).
 */
const revisions: PluginMigration = {
  async up(db, dialect) {
    const pg = dialect === 'postgres'
    // PostgreSQL keeps real timestamps and jsonb; SQLite stores ISO text and JSON text.
    const timestamp = pg ? 'timestamptz' : 'text'
    const json = pg ? 'jsonb' : 'text'
    await db.schema
      .createTable(REVISIONS_TABLE)
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace', 'text', (c) => c.notNull())
      .addColumn('collection', 'text', (c) => c.notNull())
      .addColumn('item', 'text', (c) => c.notNull())
      .addColumn('activity_id', 'text')
      .addColumn('data', json)
      .addColumn('delta', json)
      .addColumn('created_at', timestamp, (c) => c.notNull())
      .execute()
    await db.schema
      .createIndex(`${REVISIONS_TABLE}_by_item`)
      .ifNotExists()
      .on(REVISIONS_TABLE)
      .columns(['workspace', 'collection', 'item', 'created_at'])
      .execute()
  },
  async down(db) {
    await db.schema.dropTable(REVISIONS_TABLE).execute()
  },
}

/**
 * Kept by name only, so databases that ran it stay consistent: adding `detail` and the
 * dot-namespaced item actions is now @backlex/activity's migration `0001_activity_log`.
 */
const movedToActivity: PluginMigration = {
  async up() {},
}

/**
 * On a database made before @backlex/activity existed, `activity_id` is a NOT NULL foreign key to
 * the activity table: item writes would fail once the log is not installed. This makes it a plain
 * nullable column, as on new databases. PostgreSQL alters it in place; SQLite rebuilds the
 * revisions table (nothing points at it, so the rebuild risks nothing) and copies every row.
 */
const optionalActivity: PluginMigration = {
  async up(db, dialect) {
    if (dialect === 'postgres') {
      const keys = await sql<{
        name: string
      }>`select conname as name from pg_constraint where conrelid = to_regclass(quote_ident(current_schema()) || '.' || ${REVISIONS_TABLE}) and contype = 'f'`.execute(
        db,
      )
      for (const { name } of keys.rows) {
        await sql`alter table ${sql.table(REVISIONS_TABLE)} drop constraint ${sql.id(name)}`.execute(
          db,
        )
      }
      await sql`alter table ${sql.table(REVISIONS_TABLE)} alter column activity_id drop not null`.execute(
        db,
      )
      return
    }
    const column = await sql<{
      notnull: number
    }>`select "notnull" from pragma_table_info(${REVISIONS_TABLE}) where name = 'activity_id'`.execute(
      db,
    )
    const keys = await sql`select 1 from pragma_foreign_key_list(${REVISIONS_TABLE})`.execute(db)
    if (Number(column.rows[0]?.notnull ?? 0) === 0 && keys.rows.length === 0) return
    const rebuilt = `${REVISIONS_TABLE}_rebuilt`
    await db.schema
      .createTable(rebuilt)
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace', 'text', (c) => c.notNull())
      .addColumn('collection', 'text', (c) => c.notNull())
      .addColumn('item', 'text', (c) => c.notNull())
      .addColumn('activity_id', 'text')
      .addColumn('data', 'text')
      .addColumn('delta', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
    await sql`insert into ${sql.table(rebuilt)} (id, workspace, collection, item, activity_id, data, delta, created_at) select id, workspace, collection, item, activity_id, data, delta, created_at from ${sql.table(REVISIONS_TABLE)}`.execute(
      db,
    )
    await db.schema.dropTable(REVISIONS_TABLE).execute()
    await db.schema.alterTable(rebuilt).renameTo(REVISIONS_TABLE).execute()
    await db.schema
      .createIndex(`${REVISIONS_TABLE}_by_item`)
      .ifNotExists()
      .on(REVISIONS_TABLE)
      .columns(['workspace', 'collection', 'item', 'created_at'])
      .execute()
  },
}

/** Named `0100_...` and up: merged after the schema's migrations. */
export const revisionsMigrations: Readonly<Record<string, PluginMigration>> = {
  '0100_items_activity_revisions': revisions,
  '0101_activity_detail': movedToActivity,
  '0102_revisions_activity_optional': optionalActivity,
}
