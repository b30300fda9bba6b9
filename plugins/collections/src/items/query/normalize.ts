// Normalizes a raw query (from a URL or from JSON) into an ItemsQuery with the one query schema
// (./schema.ts); fields are checked against the collection later.
import type { z } from 'zod'
import { queryError } from './issues.js'
import { itemsQueryFromUrl, itemsQueryInput } from './schema.js'
import type { ItemsQuery } from './types.js'

export interface NormalizeOptions {
  /**
   * The query came from a URL (`readQueryString`): filters given as objects were written with
   * brackets, whose values are text, so `null` there means NULL.
   */
  url?: boolean
}

/** Without keys whose value is undefined, which a query given in code may carry: not parameters. */
function defined(raw: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(raw)) if (value !== undefined) out[key] = value
  return out
}

/**
 * Checks and normalizes a raw query; throws INVALID_QUERY (or INVALID_FILTER) naming the path.
 * @example
 * normalizeQuery({ fields: 'id,title', sort: '-views', limit: '10', filter: '{"views":{"_gt":1}}' })
 * // { fields: ['id', 'title'], sort: ['-views'], limit: 10, filter: { views: { _gt: 1 } }, meta: [], deep: {} }
 */
export function normalizeQuery(
  raw: Readonly<Record<string, unknown>>,
  options: NormalizeOptions = {},
): ItemsQuery {
  const schema: z.ZodType<ItemsQuery> = options.url === true ? itemsQueryFromUrl : itemsQueryInput
  const parsed = schema.safeParse(raw)
  if (parsed.success) return parsed.data
  // An unknown key holding undefined is no parameter: read the query without it.
  if (parsed.error.issues.some((issue) => issue.code === 'unrecognized_keys')) {
    const given = defined(raw)
    const again = schema.safeParse(given)
    if (again.success) return again.data
    throw queryError(again.error.issues, given)
  }
  throw queryError(parsed.error.issues, raw)
}
