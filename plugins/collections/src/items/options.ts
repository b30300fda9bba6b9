// Options of the items half, given as `collections({ items: { ... } })`.
import { z } from 'zod'

export const itemsOptions = z.object({
  /** Rows a list returns without `limit`. */
  defaultLimit: z.number().int().min(1).default(100),
  /** Largest `limit`; `limit=-1` means this many. */
  maxLimit: z.number().int().min(1).default(1000),
  /** Most items (or keys) one create, update or delete may touch. */
  maxBatchSize: z.number().int().min(1).max(100_000).default(500),
  /** Deepest nesting of relations in `fields` (`a.b.c` is 2). */
  maxRelationDepth: z.number().int().min(1).max(10).default(5),
})

export type ItemsOptions = z.output<typeof itemsOptions>
export type ItemsOptionsInput = z.input<typeof itemsOptions>
