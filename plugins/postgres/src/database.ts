// The Database adapter on pg: a pool per kernel, integers as numbers where they fit, and a
// lost server answered with 503 DATABASE_UNAVAILABLE while the pool reconnects by itself.
import type { DatabaseAdapter, LoggerAdapter } from '@backlex/kernel'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { unavailableAs503 } from './connection-loss.js'

export interface PostgresConnection {
  connectionString: string
  /** Schema(s) to put on the search_path (tests give each run its own schema). */
  searchPath?: string
  /** Largest number of pooled connections (default 10). */
  max?: number
  /**
   * How long opening a connection, or waiting for a free one, may take before the request fails
   * with DATABASE_UNAVAILABLE, in ms (default 10,000; 0 waits forever).
   */
  connectionTimeoutMs?: number
}

export interface PostgresDatabaseOptions extends PostgresConnection {
  /** Told when a connection is lost (the pool replaces it on the next query). */
  logger?: LoggerAdapter
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
    connectionTimeoutMillis: connection.connectionTimeoutMs ?? 10_000,
    ...(connection.searchPath ? { options: `-c search_path=${connection.searchPath}` } : {}),
    types,
  }
}

/**
 * A PostgreSQL DatabaseAdapter on a pg pool.
 * @example
 * const database = createPostgresDatabase({ connectionString: process.env.DATABASE_URL ?? '' })
 */
export function createPostgresDatabase(connection: PostgresDatabaseOptions): DatabaseAdapter {
  const { logger, ...options } = connection
  const pool = new pg.Pool({ ...clientConfig(options), max: options.max ?? 10 })
  const lost = (error: Error) =>
    logger?.warn('postgres connection lost; the pool reconnects on the next query', {
      error: error.message,
    })
  // A lost connection is an 'error' event, which crashes the process when nobody listens: the
  // pool listens for idle clients, and every client gets its own listener for while it is
  // checked out (Kysely's query then fails, and the client is dropped on release).
  pool.on('connect', (client) => client.on('error', lost))
  pool.on('error', () => {}) // the client's own listener has logged it
  const db = new Kysely({ dialect: new PostgresDialect({ pool: unavailableAs503(pool) }) })
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
