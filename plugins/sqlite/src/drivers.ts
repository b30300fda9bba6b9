// Adapts node:sqlite and bun:sqlite to the statement interface Kysely's SqliteDialect expects.
import type { SqliteDatabase, SqliteStatement } from 'kysely'

type Param = null | number | bigint | string | Uint8Array

/** SQLite has no booleans or dates: store 1/0 and ISO strings, as the rest of backlex reads them. */
export function toSqliteParam(value: unknown): Param {
  if (value === undefined || value === null) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string')
    return value
  if (value instanceof Uint8Array) return value
  return JSON.stringify(value)
}

const READER = /^\s*(select|with|pragma|values|explain)\b|\breturning\b/i

interface NativeStatement {
  all(...params: Param[]): unknown[]
  run(...params: Param[]): { changes: number | bigint; lastInsertRowid: number | bigint }
  iterate(...params: Param[]): IterableIterator<unknown>
}

function wrap(statement: NativeStatement, reader: boolean): SqliteStatement {
  const bind = (params: ReadonlyArray<unknown>) => params.map(toSqliteParam)
  return {
    reader,
    all: (params) => statement.all(...bind(params)),
    run: (params) => statement.run(...bind(params)),
    iterate: (params) => statement.iterate(...bind(params)),
  }
}

export interface OpenOptions {
  filename: string
  busyTimeoutMs: number
}

/**
 * Keeps the most recently used prepared statements: the same SQL text (with its `?`
 * placeholders) is prepared once, not on every query.
 */
function statementCache(prepare: (sql: string) => SqliteStatement, size = 200) {
  const cache = new Map<string, SqliteStatement>()
  return (sql: string): SqliteStatement => {
    const hit = cache.get(sql)
    if (hit) {
      cache.delete(sql)
      cache.set(sql, hit)
      return hit
    }
    const statement = prepare(sql)
    cache.set(sql, statement)
    if (cache.size > size) cache.delete(cache.keys().next().value as string)
    return statement
  }
}

/**
 * `lower()` as Unicode lower-cases text (`String.prototype.toLowerCase()`, the folding of the
 * filter DSL's case-insensitive operators and of `search`), where SQLite's own folds A-Z only.
 * Other values read as SQLite's `lower()` reads them: NULL stays NULL, numbers become text.
 */
export function unicodeLower(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value.toLowerCase()
  if (value instanceof Uint8Array) return new TextDecoder().decode(value).toLowerCase()
  return String(value).toLowerCase()
}

/** Opens a database with node:sqlite (Node 22.13+), with a Unicode `lower()` (see unicodeLower). */
export async function openNodeSqlite(options: OpenOptions): Promise<SqliteDatabase> {
  const { DatabaseSync } = await import('node:sqlite')
  const db = new DatabaseSync(options.filename, { timeout: options.busyTimeoutMs })
  // An application function of the same name and arity replaces the built-in one on this
  // connection. Deterministic: SQLite may use it in indexes and factor it out of loops.
  db.function('lower', { deterministic: true, varargs: false }, unicodeLower)
  return {
    close: () => db.close(),
    prepare: statementCache((sql) => {
      const statement = db.prepare(sql)
      const columns = (statement as { columns?: () => unknown[] }).columns
      const reader =
        typeof columns === 'function' ? columns.call(statement).length > 0 : READER.test(sql)
      return wrap(statement as unknown as NativeStatement, reader)
    }),
  }
}

/**
 * Opens a database with bun:sqlite (under Bun). bun:sqlite cannot register functions, so `lower()`
 * stays SQLite's own (A-Z only): case-insensitive filters and `search` fold ASCII only in SQL.
 */
export async function openBunSqlite(options: OpenOptions): Promise<SqliteDatabase> {
  const specifier = 'bun:sqlite'
  const { Database } = (await import(/* @vite-ignore */ specifier)) as {
    Database: new (
      filename: string,
      options?: { create?: boolean; strict?: boolean },
    ) => {
      close(): void
      exec(sql: string): void
      prepare(sql: string): NativeStatement & { columnNames: string[] }
    }
  }
  const db = new Database(options.filename, { create: true, strict: true })
  db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`)
  return {
    close: () => db.close(),
    prepare: statementCache((sql) => {
      const statement = db.prepare(sql)
      return wrap(statement, statement.columnNames.length > 0 || READER.test(sql))
    }),
  }
}
