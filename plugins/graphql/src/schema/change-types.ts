// The payload of a collection's subscription: what happened (type), to which row (key), and the
// row as the caller may read it (data: the collection's own object type, relations included).
import { GraphQLEnumType, GraphQLNonNull, GraphQLObjectType } from 'graphql'
import type { GraphQLContext } from '../contributions.js'
import { type ChangePayload, changeDataResolver } from '../resolve/subscriptions.js'
import { type CollectionTypes, keyType } from './collection-types.js'
import { scalarOf } from './scalars.js'

export const ItemChangeType = new GraphQLEnumType({
  name: 'ItemChangeType',
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
  },
})

/**
 * The `<slug>Change` type of a collection's types.
 * @example
 * subscription.articlesChanges = { type: new GraphQLNonNull(changeType('articles', t)), ... }
 */
export function changeType(slug: string, types: CollectionTypes): GraphQLObjectType {
  const key = scalarOf(keyType(types.view.definition))
  return new GraphQLObjectType<ChangePayload, GraphQLContext>({
    name: `${slug}Change`,
    description: `A change of a row of ${slug}.`,
    fields: {
      type: { type: new GraphQLNonNull(ItemChangeType), resolve: (p) => p.change.type },
      key: { type: new GraphQLNonNull(key), resolve: (p) => p.change.key },
      data: {
        type: types.object,
        description: 'The row after a create or update; null for delete and leave.',
        resolve: changeDataResolver(slug),
      },
    },
  })
}
