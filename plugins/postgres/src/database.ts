// The Database adapter on pg: a pool per kernel, integers as numbers where they fit.
import type { DatabaseAdapter } from '@backlex/kernel'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'

export interface PostgresConnection {
  connectionString: string
  /** Schema(s) to put on the search_path (tests give each run its own schema). */
  searchPath?: string
  /** Largest number of pooled connections (default 10). */
  max?: number
}

const INT8_OID = 20
const DATE_OID = 1082

/** int8 (bigint, count(*)) as a number when it fits in a double exactly, else as a string. */
function parseInt8(value: string): number | string {
  const n = Number(value)
  return Number.isSafeInteger(n) ? n : value
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return parseInt8
    // A calendar date has no time zone: keep `YYYY-MM-DD` rather than a Date at local midnight.
    if (oid === DATE_OID && format !== 'binary') return (value: string) => value
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloaded signature
    return (pg.types.getTypeParser as any)(oid, format)
  },
}

/** Options for a pg client or pool: connection string plus the search_path. */
export function clientConfig(connection: PostgresConnection): pg.ClientConfig {
  return {
    connectionString: connection.connectionString,
    ...(connection.searchPath ? { options: `-c search_path=${connection.searchPath}` } : {}),
    types,
  }
}

/**
 * A PostgreSQL DatabaseAdapter on a pg pool.
 * @example
 * const database = createPostgresDatabase({ connectionString: process.env.DATABASE_URL ?? '' })
 */
export function createPostgresDatabase(connection: PostgresConnection): DatabaseAdapter {
  const pool = new pg.Pool({ ...clientConfig(connection), max: connection.max ?? 10 })
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {})
  const db = new Kysely({ dialect: new PostgresDialect({ pool }) })
  return {
    db,
    dialect: 'postgres',
    driver: 'pg',
    capabilities: {
      returning: true,
      transactions: true,
      transactionalDdl: true,
      ilike: true,
      jsonb: true,
    },
    close: () => db.destroy(),
  }
}
