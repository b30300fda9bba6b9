// Where permissions learn a collection's fields and relations, to validate rules and compare
// values by type. The collections plugin contributes a source; other plugins may add their own.
import { defineExtensionPoint } from '@backlex/kernel'
import type { RelationResolver } from './filter/ast.js'
import type { FilterSchema } from './filter/field-types.js'

export interface CollectionFilterSchema {
  /** The collection's fields and their types. */
  readonly schema: FilterSchema
  /** Resolves its relational fields (`author.country`, `_some`, `_none`), when it has any. */
  readonly relations?: RelationResolver
}

/** The schema of `collection` in `workspace`, or undefined when this source does not know it. */
export type CollectionSchemaSource = (
  workspace: string,
  collection: string,
) => Promise<CollectionFilterSchema | undefined> | CollectionFilterSchema | undefined

/**
 * Schema sources, asked in plugin order; the first answer wins. Without any, filters are checked
 * for structure only and compare values like to like (see docs/permissions.md).
 * @example
 * ctx.contribute(CollectionSchemas, (workspace, collection) =>
 *   collection === 'posts' ? { schema: { title: { type: 'string' }, owner: { type: 'uuid' } } } : undefined)
 */
export const CollectionSchemas = defineExtensionPoint<CollectionSchemaSource>(
  'backlex.permissions.collection-schemas',
)
