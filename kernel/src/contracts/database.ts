// The Database contract: a Kysely instance plus what its dialect can do.
import type { Kysely } from 'kysely'
import { defineService } from '../services.js'

/** The SQL dialects backlex supports. D1 and bun:sqlite speak `sqlite`. */
export type SqlDialect = 'sqlite' | 'postgres'

/** What the underlying database can do; code branches on these, never on driver names. */
export interface DatabaseCapabilities {
  /** `INSERT ... RETURNING` works. */
  returning: boolean
  /** Interactive transactions work (D1 has none: batches only). */
  transactions: boolean
  /** DDL can run inside a transaction and roll back. */
  transactionalDdl: boolean
  /** Native case-insensitive `ILIKE`. */
  ilike: boolean
  /** A binary JSON type (`jsonb`). */
  jsonb: boolean
}

export interface DatabaseAdapter {
  // biome-ignore lint/suspicious/noExplicitAny: tables are created at runtime, so the schema type is open
  readonly db: Kysely<any>
  readonly dialect: SqlDialect
  /** The driver behind the dialect, for diagnostics: `node:sqlite`, `bun:sqlite`, `d1`, `pg`. */
  readonly driver: string
  readonly capabilities: DatabaseCapabilities
  /** Closes pools and file handles; called by the providing plugin at shutdown. */
  close(): Promise<void>
}

export const Database = defineService<DatabaseAdapter>('backlex.database')
