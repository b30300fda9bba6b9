// The items query language, Directus-shaped: what a list request asks for, after normalizing
// either spelling (JSON or brackets) and before it is checked against a collection.
import type { z } from 'zod'
import type { AggregateFunction, MetaKey } from '../../contract.js'
import type { itemsQueryInput } from './schema.js'

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

/** The JSON form of a query (tools, `{ query }` bodies): the input of `itemsQueryInput`. */
export type ItemsQueryInput = z.input<typeof itemsQueryInput>
