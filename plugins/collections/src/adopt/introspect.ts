// Reads existing tables from the live database: SQLite through pragma table functions,
// PostgreSQL through information_schema and pg_catalog in the current search_path schema.
import type { SqlDialect } from '@backlex/kernel'
import { sql } from 'kysely'
import type { FieldType } from '../schema/definition.js'
import type { AnyDb } from '../schema/store.js'

export interface InspectedColumn {
  name: string
  /** The type as the database declares it, e.g. `varchar(80)`, `INTEGER`. */
  dbType: string
  /** The backlex field type it maps to, or null when backlex cannot represent it. */
  type: FieldType | null
  nullable: boolean
  /** The column default as SQL text, or null. */
  default: string | null
  primaryKey: boolean
  /** Covered by a single-column unique constraint or index. */
  unique: boolean
  /** `string` columns: maximum length; `decimal`: precision and scale. */
  length?: number
  precision?: number
  scale?: number
}

export interface InspectedForeignKey {
  column: string
  /** The referenced table and column. */
  table: string
  references: string
  onDelete: 'set null' | 'cascade' | 'restrict' | 'no action' | 'set default'
}

export interface TableInspection {
  table: string
  columns: InspectedColumn[]
  /** Primary key columns in key order (empty when the table has none). */
  primaryKey: string[]
  foreignKeys: InspectedForeignKey[]
}

/** Table names backlex could wrap: not its own system tables nor managed collection tables. */
export function isCandidateTable(name: string): boolean {
  return !/^(backlex_|c_|sqlite_|kysely_)/i.test(name)
}

export async function listTables(db: AnyDb, dialect: SqlDialect): Promise<string[]> {
  const result =
    dialect === 'sqlite'
      ? await sql<{
          name: string
        }>`select name from sqlite_master where type = 'table' order by name`.execute(db)
      : await sql<{
          name: string
        }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(
          db,
        )
  return result.rows.map((r) => r.name)
}

export async function tableExists(db: AnyDb, dialect: SqlDialect, table: string): Promise<boolean> {
  const result =
    dialect === 'sqlite'
      ? await sql`select 1 from sqlite_master where type = 'table' and name = ${table}`.execute(db)
      : await sql`select 1 from information_schema.tables where table_schema = current_schema() and table_name = ${table}`.execute(
          db,
        )
  return result.rows.length > 0
}

/** Maps a SQLite declared type to a field type, by name first and then by affinity. */
export function sqliteFieldType(
  declared: string,
): Pick<InspectedColumn, 'type' | 'length' | 'precision' | 'scale'> {
  const t = declared.toUpperCase()
  const size = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(t)
  if (t.includes('BOOL')) return { type: 'boolean' }
  if (t.includes('DATETIME') || t.includes('TIMESTAMP')) return { type: 'datetime' }
  if (t.startsWith('DATE')) return { type: 'date' }
  if (t.startsWith('TIME')) return { type: 'time' }
  if (t.includes('UUID')) return { type: 'uuid' }
  if (t.includes('JSON')) return { type: 'json' }
  if (t.includes('BIGINT')) return { type: 'bigInteger' }
  if (t.includes('INT')) return { type: 'integer' }
  if (t.includes('CHAR') && size?.[1]) return { type: 'string', length: Number(size[1]) }
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return { type: 'text' }
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return { type: 'float' }
  if (t.includes('NUMERIC') || t.includes('DECIMAL')) {
    return size?.[1]
      ? { type: 'decimal', precision: Number(size[1]), scale: Number(size[2] ?? 0) }
      : { type: 'decimal' }
  }
  return { type: null }
}

interface PgColumnRow {
  name: string
  data_type: string
  udt_name: string
  is_nullable: string
  column_default: string | null
  character_maximum_length: number | null
  numeric_precision: number | null
  numeric_scale: number | null
  is_identity: string
}

function pgFieldType(
  row: PgColumnRow,
): Pick<InspectedColumn, 'type' | 'length' | 'precision' | 'scale'> {
  switch (row.data_type) {
    case 'character varying':
    case 'character':
      return row.character_maximum_length === null
        ? { type: 'text' }
        : { type: 'string', length: row.character_maximum_length }
    case 'text':
      return { type: 'text' }
    case 'smallint':
    case 'integer':
      return { type: 'integer' }
    case 'bigint':
      return { type: 'bigInteger' }
    case 'real':
    case 'double precision':
      return { type: 'float' }
    case 'numeric':
      return row.numeric_precision === null
        ? { type: 'decimal' }
        : { type: 'decimal', precision: row.numeric_precision, scale: row.numeric_scale ?? 0 }
    case 'boolean':
      return { type: 'boolean' }
    case 'date':
      return { type: 'date' }
    case 'time without time zone':
      return { type: 'time' }
    case 'timestamp with time zone':
    case 'timestamp without time zone':
      return { type: 'datetime' }
    case 'uuid':
      return { type: 'uuid' }
    case 'json':
    case 'jsonb':
      return { type: 'json' }
    default:
      return { type: null }
  }
}

const PG_ON_DELETE: Record<string, InspectedForeignKey['onDelete']> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
}

function sqliteOnDelete(action: string): InspectedForeignKey['onDelete'] {
  const a = action.toLowerCase()
  return a === 'cascade' || a === 'restrict' || a === 'set null' || a === 'set default'
    ? a
    : 'no action'
}

async function inspectSqlite(db: AnyDb, table: string): Promise<TableInspection> {
  const columns = await sql<{
    name: string
    type: string
    notnull: number
    dflt_value: string | null
    pk: number
  }>`select name, type, "notnull", dflt_value, pk from pragma_table_info(${table})`.execute(db)
  const fks = await sql<{
    table: string
    from: string
    to: string | null
    on_delete: string
  }>`select "table", "from", "to", on_delete from pragma_foreign_key_list(${table})`.execute(db)
  const uniques = await sql<{
    name: string
  }>`select ii.name from pragma_index_list(${table}) as il, pragma_index_info(il.name) as ii where il."unique" = 1 and il.origin <> 'pk' and (select count(*) from pragma_index_info(il.name)) = 1`.execute(
    db,
  )
  const unique = new Set(uniques.rows.map((r) => r.name))
  const primaryKey = columns.rows
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name)
  const foreignKeys: InspectedForeignKey[] = []
  for (const fk of fks.rows) {
    // A foreign key without a column list refers to the parent's primary key.
    let references = fk.to
    if (references === null) {
      const parent = await sql<{
        name: string
      }>`select name from pragma_table_info(${fk.table}) where pk = 1`.execute(db)
      references = parent.rows[0]?.name ?? 'rowid'
    }
    foreignKeys.push({
      column: fk.from,
      table: fk.table,
      references,
      onDelete: sqliteOnDelete(fk.on_delete),
    })
  }
  return {
    table,
    primaryKey,
    foreignKeys,
    columns: columns.rows.map((c) => ({
      name: c.name,
      dbType: c.type,
      ...sqliteFieldType(c.type),
      // SQLite lets a non-integer primary key hold NULL unless declared NOT NULL.
      nullable: c.notnull === 0 && !(c.pk > 0 && c.type.toUpperCase() === 'INTEGER'),
      default: c.dflt_value,
      primaryKey: c.pk > 0,
      unique: unique.has(c.name) || (c.pk > 0 && primaryKey.length === 1),
    })),
  }
}

async function inspectPostgres(db: AnyDb, table: string): Promise<TableInspection> {
  const columns = await sql<PgColumnRow>`
    select column_name as name, data_type, udt_name, is_nullable, column_default,
           character_maximum_length, numeric_precision, numeric_scale, is_identity
    from information_schema.columns
    where table_schema = current_schema() and table_name = ${table}
    order by ordinal_position`.execute(db)
  const relation = sql`to_regclass(format('%I.%I', current_schema(), ${table}::text))`
  const keys = await sql<{ name: string; position: number; primary: boolean }>`
    select a.attname as name, array_position(i.indkey::int2[], a.attnum) as position,
           i.indisprimary as primary
    from pg_index i
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where i.indrelid = ${relation} and (i.indisprimary or (i.indisunique and i.indnatts = 1))
    order by position`.execute(db)
  const fks = await sql<{ column: string; table: string; references: string; action: string }>`
    select a.attname as column, cf.relname as table, af.attname as references,
           c.confdeltype as action
    from pg_constraint c
    join pg_class cf on cf.oid = c.confrelid
    cross join lateral unnest(c.conkey, c.confkey) as k(local_key, ref_key)
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.local_key
    join pg_attribute af on af.attrelid = c.confrelid and af.attnum = k.ref_key
    where c.contype = 'f' and c.conrelid = ${relation}
    order by c.conname`.execute(db)
  const primaryKey = keys.rows.filter((k) => k.primary).map((k) => k.name)
  const uniqueIndexed = new Set(keys.rows.filter((k) => !k.primary).map((k) => k.name))
  return {
    table,
    primaryKey,
    foreignKeys: fks.rows.map((fk) => ({
      column: fk.column,
      table: fk.table,
      references: fk.references,
      onDelete: PG_ON_DELETE[fk.action] ?? 'no action',
    })),
    columns: columns.rows.map((c) => ({
      name: c.name,
      dbType:
        c.udt_name === 'varchar' && c.character_maximum_length !== null
          ? `varchar(${c.character_maximum_length})`
          : c.data_type,
      ...pgFieldType(c),
      nullable: c.is_nullable === 'YES',
      default: c.is_identity === 'YES' ? 'identity' : c.column_default,
      primaryKey: primaryKey.includes(c.name),
      unique: uniqueIndexed.has(c.name) || (primaryKey.length === 1 && primaryKey[0] === c.name),
    })),
  }
}

/** The table's columns, keys and foreign keys, or undefined when it does not exist. */
export async function inspectTable(
  db: AnyDb,
  dialect: SqlDialect,
  table: string,
): Promise<TableInspection | undefined> {
  if (!(await tableExists(db, dialect, table))) return undefined
  return dialect === 'sqlite' ? inspectSqlite(db, table) : inspectPostgres(db, table)
}
