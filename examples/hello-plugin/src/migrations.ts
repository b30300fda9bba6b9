// The plugin's tables. Portable column types only (text everywhere, ISO time strings), so the
// same migration runs on SQLite, D1 and PostgreSQL without branching on the dialect.
import type { PluginMigration } from '@backlex/kernel'

export const GREETINGS_TABLE = 'acme_hello_greetings'

const createGreetings: PluginMigration = {
  async up(db) {
    await db.schema
      .createTable(GREETINGS_TABLE)
      .addColumn('id', 'text', (c) => c.primaryKey())
      // backlex convention: every row belongs to a workspace.
      .addColumn('workspace', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      // Set by the action hook once the greeting has been announced.
      .addColumn('announced_at', 'text')
      .execute()
    await db.schema
      .createIndex(`${GREETINGS_TABLE}_workspace_created`)
      .on(GREETINGS_TABLE)
      .columns(['workspace', 'created_at'])
      .execute()
  },
  async down(db) {
    await db.schema.dropTable(GREETINGS_TABLE).execute()
  },
}

/** Applied in key order; never rename or edit a shipped migration, add a new one. */
export const migrations = { '0001_greetings': createGreetings }
