// The input of a tool that takes an items query (`items.list`): the query schema plus the tool's
// own keys, refusing a bad query as REST does (INVALID_QUERY / INVALID_FILTER, same path).
import { KernelErrors, zodIssues } from '@backlex/kernel'
import type { z } from 'zod'
import { isQueryIssue, queryError } from './issues.js'
import { type CheckedParameters, itemsQueryObject, toItemsQuery } from './schema.js'

/**
 * A tool input schema: the query parameters and `extra` keys side by side (what MCP clients see as
 * JSON Schema), parsed into the extra keys and the normalized `query`. A bad query parameter fails
 * as it does over REST; a bad extra key is the kernel's VALIDATION_FAILED, as for any tool.
 * @example
 * defineTool({ name: 'items.list', input: itemsQueryToolInput({ collection: z.string() }),
 *   handler: (ctx, { collection, query }) => ctx.use(Items).list(callerOf(ctx), collection, query) })
 */
export function itemsQueryToolInput<E extends z.core.$ZodShape>(extra: E) {
  const keys = Object.keys(extra)
  return itemsQueryObject(extra)
    .transform((value, ctx) => {
      const own: Record<string, unknown> = {}
      for (const key of keys) own[key] = (value as Record<string, unknown>)[key]
      return {
        ...(own as z.output<z.ZodObject<E>>),
        query: toItemsQuery(value as object as CheckedParameters, ctx),
      }
    })
    .catch(({ error, input }) => {
      // Thrown, not reported: zod passes it through, so the tool answers with this error. (Writing
      // JSON Schema, zod probes a catch for a static default; this one has none, so the kernel's
      // `unrepresentable: 'any'` describes the tool's input as the query schema's input.)
      if (error.issues.every(isQueryIssue)) throw queryError(error.issues, input)
      throw KernelErrors.VALIDATION_FAILED('tool input', zodIssues(error as z.ZodError))
    })
}
