// The payload of a collection's subscription: what happened (type), to which row (key), and the
// row as the caller may read it (data: the collection's own object type, relations included).
import type { EnumRef, ObjectRef } from '@pothos/core'
import type { GraphQLBuilder, GraphQLSchemaTypes } from '../contract.js'
import { type ChangePayload, changeDataResolver } from '../resolve/subscriptions.js'
import { type CollectionTypes, keyType } from './collection-types.js'
import { scalarOf } from './scalars.js'

type ChangeKind = ChangePayload['change']['type']

/** The `ItemChangeType` enum of a schema. */
export function itemChangeType(builder: GraphQLBuilder): EnumRef<GraphQLSchemaTypes, ChangeKind> {
  return builder.enumType('ItemChangeType', {
    description: 'What happened to a row, as the subscriber sees it.',
    values: {
      CREATE: { value: 'create', description: 'A new row you may see.' },
      UPDATE: {
        value: 'update',
        description: 'A changed row you may see (also one that just came into view: upsert it).',
      },
      DELETE: { value: 'delete', description: 'A row you could see was deleted.' },
      LEAVE: {
        value: 'leave',
        description: 'A row you could see no longer passes your permissions or filter.',
      },
    } as const,
  }) as EnumRef<GraphQLSchemaTypes, ChangeKind>
}

/**
 * The `<slug>Change` type of a collection's types.
 * @example
 * t.field({ type: changeType(builder, 'articles', types, itemChangeType(builder)), nullable: false })
 */
export function changeType(
  builder: GraphQLBuilder,
  slug: string,
  types: CollectionTypes,
  kind: EnumRef<GraphQLSchemaTypes, ChangeKind>,
): ObjectRef<GraphQLSchemaTypes, ChangePayload> {
  const key = scalarOf(keyType(types.view.definition))
  return builder.objectRef<ChangePayload>(`${slug}Change`).implement({
    description: `A change of a row of ${slug}.`,
    fields: (t) => ({
      type: t.field({ type: kind, nullable: false, resolve: (p) => p.change.type }),
      key: t.field({
        type: key,
        nullable: false,
        resolve: (p) => p.change.key as never,
      }),
      data: t.field({
        type: types.object,
        nullable: true,
        description: 'The row after a create or update; null for delete and leave.',
        resolve: changeDataResolver(slug),
      }),
    }),
  })
}
