// A Kysely dialect for Cloudflare D1: SQLite's compiler, a D1 driver, an introspector that
// skips D1's internal tables, and a migration lock that works across isolates.
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type MigrationLockOptions,
  type QueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteQueryCompiler,
} from 'kysely'
import { CloudflareErrors } from '../errors.js'
import { D1Introspector } from './introspector.js'
import { toD1Param } from './params.js'
import type { D1DatabaseLike, D1PreparedStatementLike, D1ResultLike } from './types.js'

export interface D1DialectOptions {
  database: D1DatabaseLike
  /** A migration lock older than this is taken as abandoned by a dead isolate (default 60 s). */
  migrationLockLeaseMs?: number
  /** How long to wait for another isolate's migration lock (default 30 s). */
  migrationLockWaitMs?: number
}

// biome-ignore lint/suspicious/noExplicitAny: Kysely's dialect API takes a Kysely of any schema
type UntypedKysely = Kysely<any>

const WRITES = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode'])

/** Prepares a compiled query as a D1 statement with its parameters bound. */
export function prepareD1(database: D1DatabaseLike, query: CompiledQuery): D1PreparedStatementLike {
  return database.prepare(query.sql).bind(...query.parameters.map(toD1Param))
}

/** Reads a D1 result the way Kysely reads a driver's: rows, plus counts for writes. */
export function toQueryResult<R>(query: CompiledQuery, result: D1ResultLike<R>): QueryResult<R> {
  const changes = result.meta.changes ?? 0
  const kind = query.query.kind
  const write = WRITES.has(kind) || (kind === 'RawNode' && changes > 0)
  return {
    rows: result.results ?? [],
    ...(write ? { numAffectedRows: BigInt(changes) } : {}),
    ...(kind === 'InsertQueryNode' && result.meta.last_row_id !== undefined
      ? { insertId: BigInt(result.meta.last_row_id) }
      : {}),
  }
}

class D1Connection implements DatabaseConnection {
  constructor(private readonly database: D1DatabaseLike) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return toQueryResult(query, await prepareD1(this.database, query).all<R>())
  }

  // D1 has no cursors: a stream is the whole result, handed out in chunks.
  async *streamQuery<R>(
    query: CompiledQuery,
    chunkSize = 100,
  ): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(query)
    for (let i = 0; i < rows.length; i += chunkSize) yield { rows: rows.slice(i, i + chunkSize) }
  }
}

class D1Driver implements Driver {
  readonly #connection: D1Connection
  constructor(database: D1DatabaseLike) {
    this.#connection = new D1Connection(database)
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#connection
  }
  async beginTransaction(): Promise<void> {
    throw CloudflareErrors.D1_NO_TRANSACTIONS()
  }
  async commitTransaction(): Promise<void> {
    throw CloudflareErrors.D1_NO_TRANSACTIONS()
  }
  async rollbackTransaction(): Promise<void> {
    throw CloudflareErrors.D1_NO_TRANSACTIONS()
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * SQLite's adapter assumes one connection per database, so its migration lock does nothing.
 * On D1 many isolates share one database and may boot at once: the lock row holds the time
 * it was taken (0 when free), claimed with one conditional UPDATE, which D1 runs atomically.
 */
class D1Adapter extends SqliteAdapter {
  constructor(
    private readonly leaseMs: number,
    private readonly waitMs: number,
  ) {
    super()
  }

  override async acquireMigrationLock(
    db: UntypedKysely,
    options: MigrationLockOptions,
  ): Promise<void> {
    const started = Date.now()
    for (let attempt = 0; ; attempt++) {
      const now = Date.now()
      const claimed = await db
        .updateTable(options.lockTable)
        .set({ is_locked: now })
        .where('id', '=', options.lockRowId)
        .where((eb) => eb.or([eb('is_locked', '=', 0), eb('is_locked', '<', now - this.leaseMs)]))
        .executeTakeFirst()
      if (claimed.numUpdatedRows > 0n) return
      const waited = Date.now() - started
      if (waited >= this.waitMs)
        throw CloudflareErrors.D1_MIGRATION_LOCKED(options.lockTable, waited)
      await sleep(Math.min(25 * 2 ** attempt, 1000))
    }
  }

  override async releaseMigrationLock(
    db: UntypedKysely,
    options: MigrationLockOptions,
  ): Promise<void> {
    await db
      .updateTable(options.lockTable)
      .set({ is_locked: 0 })
      .where('id', '=', options.lockRowId)
      .execute()
  }
}

/**
 * The Kysely dialect for D1.
 * @example
 * const db = new Kysely<Tables>({ dialect: new D1Dialect({ database: env.DB }) })
 * const rows = await db.selectFrom('notes').selectAll().execute()
 */
export class D1Dialect implements Dialect {
  constructor(private readonly options: D1DialectOptions) {}

  createDriver(): Driver {
    return new D1Driver(this.options.database)
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler()
  }
  createAdapter(): DialectAdapter {
    return new D1Adapter(
      this.options.migrationLockLeaseMs ?? 60_000,
      this.options.migrationLockWaitMs ?? 30_000,
    )
  }
  createIntrospector(db: UntypedKysely): DatabaseIntrospector {
    return new D1Introspector(db)
  }
}
