// Built schemas by view key (workspace, schema version, role set, access), least recently used
// first out. A key carries the schema version, so a changed schema is never served from here.
import type { GraphQLSchema } from 'graphql'

export interface SchemaCache {
  get(key: string, build: () => GraphQLSchema): GraphQLSchema
  readonly size: number
}

/**
 * @example
 * const cache = createSchemaCache(100)
 * const schema = cache.get(view.key, () => buildSchema(view, contributions))
 */
export function createSchemaCache(capacity: number): SchemaCache {
  const entries = new Map<string, GraphQLSchema>()
  return {
    get(key, build) {
      const found = entries.get(key)
      if (found) {
        entries.delete(key)
        entries.set(key, found)
        return found
      }
      const schema = build()
      entries.set(key, schema)
      for (const oldest of entries.keys()) {
        if (entries.size <= capacity) break
        entries.delete(oldest)
      }
      return schema
    },
    get size() {
      return entries.size
    },
  }
}
