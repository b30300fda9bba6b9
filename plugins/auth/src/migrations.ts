// Static migrations of @backlex/auth: better-auth's tables (with the column types its own
// generator picks per dialect) plus roles, user roles, API keys and the first-admin claim.
import type { PluginMigration, SqlDialect } from '@backlex/kernel'
import { type Kysely, sql } from 'kysely'
import { TABLES } from './schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations run before any typed schema exists
type Db = Kysely<any>

/** Column types that differ between the dialects. */
function types(dialect: SqlDialect) {
  const pg = dialect === 'postgres'
  return {
    // better-auth's own choices: `date` on SQLite (ISO strings), timestamptz on PostgreSQL.
    authTime: pg ? sql`timestamptz` : sql`date`,
    time: pg ? sql`timestamptz` : sql`text`,
    bool: pg ? sql`boolean` : sql`integer`,
    json: pg ? sql`jsonb` : sql`text`,
    now: pg ? sql`CURRENT_TIMESTAMP` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
  }
}

async function createBetterAuthTables(db: Db, dialect: SqlDialect): Promise<void> {
  const t = types(dialect)
  const pg = dialect === 'postgres'
  await db.schema
    .createTable(TABLES.users)
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('email_verified', t.bool, (c) => c.notNull())
    .addColumn('image', 'text')
    .addColumn('created_at', t.authTime, (c) => (pg ? c.notNull().defaultTo(t.now) : c.notNull()))
    .addColumn('updated_at', t.authTime, (c) => (pg ? c.notNull().defaultTo(t.now) : c.notNull()))
    .execute()
  await db.schema
    .createTable(TABLES.sessions)
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('expires_at', t.authTime, (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', t.authTime, (c) => (pg ? c.notNull().defaultTo(t.now) : c.notNull()))
    .addColumn('updated_at', t.authTime, (c) => c.notNull())
    .addColumn('ip_address', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('user_id', 'text', (c) =>
      c.notNull().references(`${TABLES.users}.id`).onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createTable(TABLES.accounts)
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) =>
      c.notNull().references(`${TABLES.users}.id`).onDelete('cascade'),
    )
    .addColumn('access_token', 'text')
    .addColumn('refresh_token', 'text')
    .addColumn('id_token', 'text')
    .addColumn('access_token_expires_at', t.authTime)
    .addColumn('refresh_token_expires_at', t.authTime)
    .addColumn('scope', 'text')
    .addColumn('password', 'text')
    .addColumn('created_at', t.authTime, (c) => (pg ? c.notNull().defaultTo(t.now) : c.notNull()))
    .addColumn('updated_at', t.authTime, (c) => c.notNull())
    .execute()
  await db.schema
    .createTable(TABLES.verifications)
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('expires_at', t.authTime, (c) => c.notNull())
    .addColumn('created_at', t.authTime, (c) => (pg ? c.notNull().defaultTo(t.now) : c.notNull()))
    .addColumn('updated_at', t.authTime, (c) => (pg ? c.notNull().defaultTo(t.now) : c.notNull()))
    .execute()
  const index = (table: string, column: string) =>
    db.schema.createIndex(`${table}_${column}_idx`).on(table).column(column).execute()
  await index(TABLES.sessions, 'user_id')
  await index(TABLES.accounts, 'user_id')
  await index(TABLES.verifications, 'identifier')
}

async function createBacklexTables(db: Db, dialect: SqlDialect): Promise<void> {
  const t = types(dialect)
  await db.schema
    .createTable(TABLES.roles)
    .addColumn('workspace', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('built_in', t.bool, (c) => c.notNull().defaultTo(dialect === 'postgres' ? false : 0))
    .addColumn('created_at', t.time, (c) => c.notNull().defaultTo(t.now))
    .addPrimaryKeyConstraint(`${TABLES.roles}_pk`, ['workspace', 'name'])
    .execute()
  await db.schema
    .createTable(TABLES.userRoles)
    .addColumn('workspace', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) =>
      c.notNull().references(`${TABLES.users}.id`).onDelete('cascade'),
    )
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull().defaultTo(t.now))
    .addPrimaryKeyConstraint(`${TABLES.userRoles}_pk`, ['workspace', 'user_id', 'role'])
    .addForeignKeyConstraint(
      `${TABLES.userRoles}_role_fk`,
      ['workspace', 'role'],
      TABLES.roles,
      ['workspace', 'name'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createIndex(`${TABLES.userRoles}_user_idx`)
    .on(TABLES.userRoles)
    .columns(['user_id', 'workspace'])
    .execute()
  // One row per workspace, claimed by the first sign-up: the primary key makes a second,
  // concurrent claim fail, so exactly one user becomes admin.
  await db.schema
    .createTable(TABLES.firstAdmin)
    .addColumn('workspace', 'text', (c) => c.primaryKey().notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull().defaultTo(t.now))
    .execute()
  await db.schema
    .createTable(TABLES.apiKeys)
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('workspace', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) =>
      c.notNull().references(`${TABLES.users}.id`).onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('roles', t.json, (c) => c.notNull())
    .addColumn('read_only', t.bool, (c) => c.notNull())
    .addColumn('tools', t.json)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('last_used_at', t.time)
    .addColumn('revoked_at', t.time)
    .addColumn('expires_at', t.time)
    .execute()
  await db.schema
    .createIndex(`${TABLES.apiKeys}_owner_idx`)
    .on(TABLES.apiKeys)
    .columns(['workspace', 'user_id'])
    .execute()
}

export const migrations: Record<string, PluginMigration> = {
  '0001_init': {
    async up(db, dialect) {
      await createBetterAuthTables(db, dialect)
      await createBacklexTables(db, dialect)
    },
    async down(db) {
      for (const table of [
        TABLES.apiKeys,
        TABLES.firstAdmin,
        TABLES.userRoles,
        TABLES.roles,
        TABLES.verifications,
        TABLES.accounts,
        TABLES.sessions,
        TABLES.users,
      ]) {
        await db.schema.dropTable(table).ifExists().execute()
      }
    },
  },
}
