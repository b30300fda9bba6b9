// Lists tables the way Kysely's SqliteIntrospector does, minus D1's internal `_cf_*` tables:
// D1 refuses `PRAGMA table_info` on those (SQLITE_AUTH), which broke Kysely's Migrator.
import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  type Kysely,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely'

interface MasterRow {
  name: string
  type: 'table' | 'view'
  sql: string | null
}

interface ColumnRow {
  name: string
  type: string
  notnull: number
  dflt_value: unknown
  pk: number
}

/**
 * Kysely's `db.introspection` on D1; `D1Dialect` uses it, so the Migrator works.
 * @example
 * const tables = await db.introspection.getTables() // never lists _cf_KV / _cf_METADATA
 */
export class D1Introspector implements DatabaseIntrospector {
  // biome-ignore lint/suspicious/noExplicitAny: introspection reads tables no type describes
  constructor(private readonly db: Kysely<any>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    return []
  }

  async getTables(
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> {
    const { rows } = await sql<MasterRow>`
      select name, type, sql from sqlite_master
      where type in ('table', 'view')
        and substr(name, 1, 7) != 'sqlite_'
        and substr(name, 1, 4) != '_cf_'
      order by name`.execute(this.db)
    const internal = new Set([DEFAULT_MIGRATION_TABLE, DEFAULT_MIGRATION_LOCK_TABLE])
    const tables = options.withInternalKyselyTables
      ? rows
      : rows.filter((row) => !internal.has(row.name))
    const result: TableMetadata[] = []
    for (const table of tables) {
      // Plain PRAGMA statements, not the pragma_table_info() table function, which D1 limits.
      const { rows: columns } =
        await sql<ColumnRow>`pragma table_info(${sql.id(table.name)})`.execute(this.db)
      const autoIncrement = autoIncrementColumn(table.sql, columns)
      result.push({
        name: table.name,
        isView: table.type === 'view',
        columns: columns.map((column) => ({
          name: column.name,
          dataType: column.type,
          isNullable: !column.notnull,
          isAutoIncrementing: column.name === autoIncrement,
          hasDefaultValue: column.dflt_value != null,
        })),
      })
    }
    return result
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) }
  }
}

/** An AUTOINCREMENT column, or else a lone INTEGER PRIMARY KEY (an alias of the rowid). */
function autoIncrementColumn(ddl: string | null, columns: ColumnRow[]): string | undefined {
  const declared = ddl
    ?.split(/[(),]/)
    .find((part) => /\bautoincrement\b/i.test(part))
    ?.trim()
    .split(/\s+/)[0]
    ?.replace(/["`[\]]/g, '')
  if (declared) return declared
  const keys = columns.filter((c) => c.pk > 0)
  return keys.length === 1 && keys[0]?.type.toLowerCase() === 'integer' ? keys[0].name : undefined
}
