// The items query language, Directus-shaped: what a list request asks for, after normalizing
// either spelling (JSON or brackets) and before it is checked against a collection.
import { z } from 'zod'
import { AGGREGATE_FUNCTIONS, type AggregateFunction, type MetaKey } from '../../contract.js'

/** Per-relation options of `deep`: the related rows' filter, sort, limit and offset. */
export interface DeepQuery {
  filter?: Record<string, unknown>
  sort?: string[]
  limit?: number
  offset?: number
  /** Options for relations of the related collection. */
  relations: Record<string, DeepQuery>
}

/** A normalized query. Fields named here are checked against the collection later. */
export interface ItemsQuery {
  /** Field paths (`*`, `*.*`, `author.name`); undefined: `*`. */
  fields?: string[]
  filter?: Record<string, unknown>
  search?: string
  /** `-views` sorts descending; dot paths follow many-to-one relations. */
  sort?: string[]
  /** `-1`: every row, up to the configured maximum. */
  limit?: number
  offset?: number
  page?: number
  meta: MetaKey[]
  aggregate?: Partial<Record<AggregateFunction, string[]>>
  groupBy?: string[]
  deep: Record<string, DeepQuery>
}

const list = z.union([z.string(), z.array(z.string())])
const integer = z.union([z.number().int(), z.string()])

/**
 * The JSON form of a query (tools and `{ query }` bodies); each value may also be given as the
 * string a URL would carry. Checked in depth by `normalizeQuery`.
 */
export const itemsQueryInput = z
  .object({
    fields: list
      .optional()
      .describe(
        'Fields to return: ["*"] (default), ["*.*"], ["title", "author.name", "comments.*"]; functions: ["year(published_at)", "count(comments)"]',
      ),
    filter: z
      .union([z.record(z.string(), z.unknown()), z.string()])
      .optional()
      .describe(
        'Directus filter, e.g. { "status": { "_eq": "published" }, "author": { "name": { "_icontains": "ada" } } }',
      ),
    search: z.string().optional().describe('Case-insensitive text search over searchable fields'),
    sort: list
      .optional()
      .describe(
        'e.g. ["-views", "title", "-count(comments)"]; "-" sorts descending; with groupBy also aggregates ("-count", "sum.views")',
      ),
    limit: integer
      .optional()
      .describe('Rows to return (default 100; -1 for all up to the maximum)'),
    offset: integer.optional().describe('Rows to skip'),
    page: integer.optional().describe('1-based page of `limit` rows (instead of offset)'),
    meta: list.optional().describe('"total_count", "filter_count" or "*"'),
    aggregate: z
      .union([z.record(z.string(), list), z.string()])
      .optional()
      .describe(
        `e.g. { "count": "*", "sum": ["views"] }; functions: ${AGGREGATE_FUNCTIONS.join(', ')}`,
      ),
    groupBy: list
      .optional()
      .describe(
        'Fields (or functions, e.g. "year(published_at)") to group by; without aggregate: the distinct groups',
      ),
    deep: z
      .union([z.record(z.string(), z.unknown()), z.string()])
      .optional()
      .describe(
        'Per relation: { "comments": { "_filter": {...}, "_sort": ["-id"], "_limit": 3 } }',
      ),
  })
  .strict()
export type ItemsQueryInput = z.input<typeof itemsQueryInput>
