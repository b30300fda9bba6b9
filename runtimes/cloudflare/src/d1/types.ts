// The parts of Cloudflare's D1 binding backlex uses, typed structurally so neither the
// package nor its users need @cloudflare/workers-types (whose globals clash with DOM's).

/** What D1 reports about a statement it ran. */
export interface D1ResultMeta {
  changes?: number
  last_row_id?: number
  [key: string]: unknown
}

export interface D1ResultLike<T = Record<string, unknown>> {
  results: T[]
  success: boolean
  meta: D1ResultMeta
}

export interface D1PreparedStatementLike {
  bind(...values: unknown[]): D1PreparedStatementLike
  all<T = Record<string, unknown>>(): Promise<D1ResultLike<T>>
}

/** A D1 binding (`env.DB`), or Miniflare's `getD1Database()` proxy of one. */
export interface D1DatabaseLike {
  prepare(query: string): D1PreparedStatementLike
  batch<T = unknown>(statements: D1PreparedStatementLike[]): Promise<D1ResultLike<T>[]>
}

/**
 * True for anything shaped like a D1 binding.
 * @example
 * if (!isD1Database(env.DB)) throw new Error('bind a D1 database as DB')
 */
export function isD1Database(value: unknown): value is D1DatabaseLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { prepare?: unknown }).prepare === 'function' &&
    typeof (value as { batch?: unknown }).batch === 'function'
  )
}
