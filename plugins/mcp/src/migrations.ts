// Static migrations of @backlex/mcp: the log of tool calls made over MCP (one row a call).
import type { PluginMigration } from '@backlex/kernel'
import { sql } from 'kysely'

/** One row per tools/call: who called what, whether it worked, how long it took. */
export const MCP_CALLS_TABLE = 'backlex_mcp_calls'

export const migrations: Record<string, PluginMigration> = {
  '0001_calls': {
    async up(db, dialect) {
      const pg = dialect === 'postgres'
      await db.schema
        .createTable(MCP_CALLS_TABLE)
        .addColumn('id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('workspace', 'text', (c) => c.notNull())
        .addColumn('endpoint', 'text', (c) => c.notNull())
        .addColumn('tool', 'text', (c) => c.notNull())
        .addColumn('principal_type', 'text', (c) => c.notNull())
        .addColumn('principal_id', 'text')
        .addColumn('user_id', 'text')
        .addColumn('ok', pg ? sql`boolean` : sql`integer`, (c) => c.notNull())
        .addColumn('error_code', 'text')
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('created_at', pg ? sql`timestamptz` : sql`text`, (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex(`${MCP_CALLS_TABLE}_workspace_created_idx`)
        .on(MCP_CALLS_TABLE)
        .columns(['workspace', 'created_at'])
        .execute()
    },
    async down(db) {
      await db.schema.dropTable(MCP_CALLS_TABLE).ifExists().execute()
    },
  },
}
