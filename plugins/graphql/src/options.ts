// Options of the graphql plugin: protection limits and the introspection switch.
import { z } from 'zod'

export const graphqlOptions = z
  .object({
    /** Deepest selection allowed (fields nested in fields; introspection not counted). */
    maxDepth: z.number().int().min(1).max(100).default(10),
    /** Most rows a query may read, estimated: a list counts its `limit` times what it selects. */
    maxCost: z.number().int().min(1).default(100_000),
    /** Rows assumed for a list without `limit` (the items engine's default page is 100). */
    defaultListSize: z.number().int().min(1).default(100),
    /** Rows assumed for `limit: -1` (keep it at the items engine's `maxLimit`). */
    maxListSize: z.number().int().min(1).default(1000),
    /** Operations allowed in one batched POST (a JSON array). */
    maxBatch: z.number().int().min(1).max(100).default(10),
    /** Allow `__schema` and `__type` (each caller only ever sees its own schema). */
    introspection: z.boolean().default(true),
    /** Lexical tokens a query may have (parsing stops past it). */
    maxTokens: z.number().int().min(100).default(10_000),
    /** Schemas kept in memory (one per workspace, schema version and role set). */
    schemaCacheSize: z.number().int().min(1).default(100),
    /** Interval of keep-alive comments on idle event streams (subscriptions), in ms. */
    keepAliveMs: z.number().int().min(100).default(15_000),
  })
  .strict()

export type GraphQLOptions = z.output<typeof graphqlOptions>
export type GraphQLOptionsInput = z.input<typeof graphqlOptions>
