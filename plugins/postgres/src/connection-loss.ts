// A lost or unreachable PostgreSQL server as 503 DATABASE_UNAVAILABLE: which pg errors mean
// that, and the pool handed to Kysely that rethrows them (the original kept as `cause`).
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely'
import type pg from 'pg'
import { PostgresErrors } from './errors.js'

/** Socket errors of a server that is down, restarting or unreachable. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])
/** SQLSTATEs of a server ending or refusing sessions: admin_shutdown, crash_shutdown, cannot_connect_now. */
const SHUTDOWN_CODES = new Set(['57P01', '57P02', '57P03'])
/** pg's own errors for a connection that died or could not be opened in time. */
const LOST_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'Cannot use a pool after calling end on the pool',
]

/**
 * True when `error` means the database cannot be reached right now (as opposed to a bad query):
 * a refused or reset socket, SQLSTATE class 08, 57P01-57P03, or pg's "Connection terminated".
 * @example
 * isConnectionLoss(Object.assign(new Error('terminating connection'), { code: '57P01' })) // true
 */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || SHUTDOWN_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) {
      return true
    }
  }
  // Node reports a refused connection to every address of a host as one AggregateError.
  if (error instanceof AggregateError && error.errors.some(isConnectionLoss)) return true
  return LOST_MESSAGES.some((message) => error.message.startsWith(message))
}

/**
 * `error` as DATABASE_UNAVAILABLE when it is a connection loss, else unchanged.
 * @example
 * await pool.query(text).catch((error) => { throw unavailable(error) })
 */
export const unavailable = (error: unknown): unknown =>
  isConnectionLoss(error) ? PostgresErrors.DATABASE_UNAVAILABLE(error) : error

/** A checked-out client whose connection-loss errors become DATABASE_UNAVAILABLE. */
class GuardedClient implements PostgresPoolClient {
  #lost = false
  constructor(private readonly client: pg.PoolClient) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>
  query<R>(
    query: string | PostgresCursor<R>,
    parameters?: ReadonlyArray<unknown>,
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof query !== 'string') {
      const submit = this.client.query as (cursor: PostgresCursor<R>) => PostgresCursor<R>
      return submit.call(this.client, query)
    }
    return this.client.query(query, parameters ? [...parameters] : undefined).then(
      (result) => result as unknown as PostgresQueryResult<R>,
      (error: unknown) => {
        if (isConnectionLoss(error)) this.#lost = true
        throw unavailable(error)
      },
    )
  }

  release(): void {
    // A client that lost its connection is destroyed rather than returned to the pool.
    this.client.release(this.#lost || undefined)
  }
}

/**
 * The pool for Kysely's PostgresDialect: connecting and querying fail with
 * DATABASE_UNAVAILABLE (503) when the server is gone; other errors pass through unchanged.
 * @example
 * new Kysely({ dialect: new PostgresDialect({ pool: unavailableAs503(pool) }) })
 */
export function unavailableAs503(pool: pg.Pool): PostgresPool {
  const guarded = new WeakMap<pg.PoolClient, GuardedClient>()
  return {
    async connect() {
      let client: pg.PoolClient
      try {
        client = await pool.connect()
      } catch (error) {
        throw unavailable(error)
      }
      let wrapper = guarded.get(client)
      if (!wrapper) {
        wrapper = new GuardedClient(client)
        guarded.set(client, wrapper)
      }
      return wrapper
    },
    end: () => pool.end(),
  }
}
