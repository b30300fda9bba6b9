// Builds the GraphQL schema of one view (workspace, schema version, caller's access): per
// readable collection a list, a by-id and an aggregate query, mutations the caller may run and,
// with realtime installed, a subscription to its changes; then the contributions of other plugins.
import {
  type GraphQLFieldConfigMap,
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  type GraphQLNamedType,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql'
import type { GraphQLContext, GraphQLContribution } from '../contributions.js'
import { GraphQLErrors } from '../errors.js'
import {
  aggregateResolver,
  byIdResolver,
  listResolver,
  mutationResolvers,
} from '../resolve/resolvers.js'
import { changesSubscriber } from '../resolve/subscriptions.js'
import { changeType } from './change-types.js'
import { collectionTypes, keyType } from './collection-types.js'
import { scalarOf } from './scalars.js'
import type { SchemaView } from './view.js'

type Fields = GraphQLFieldConfigMap<unknown, GraphQLContext>

// Root lists are nullable, so one failing root field does not null its siblings.
const rootList = <T extends GraphQLObjectType>(type: T) => new GraphQLList(new GraphQLNonNull(type))
const idList = new GraphQLList(new GraphQLNonNull(GraphQLID))
const strings = new GraphQLList(new GraphQLNonNull(GraphQLString))

export interface BuildOptions {
  /** Add `<collection>Changes` subscriptions (the Realtime service is installed). */
  subscriptions?: boolean
}

/**
 * The schema of `view`, with `contributions` added.
 * @example
 * const schema = buildSchema(await schemaView(collections, permissions, principal, 'main'), [])
 * printSchema(schema)
 */
export function buildSchema(
  view: SchemaView,
  contributions: readonly GraphQLContribution[],
  options: BuildOptions = {},
): GraphQLSchema {
  const types = collectionTypes(view)
  const query: Fields = {
    schemaVersion: {
      type: new GraphQLNonNull(GraphQLInt),
      description: 'The version of the collections this schema was generated from.',
      resolve: () => view.version,
    },
  }
  const mutation: Fields = {}
  const subscription: Fields = {}

  for (const [slug, t] of types) {
    const listArgs = {
      filter: { type: t.filter },
      sort: {
        type: strings,
        description: 'Fields to sort by; "-views" descends, "author.name" follows a relation.',
      },
      limit: { type: GraphQLInt, description: 'Rows to return; -1 for all up to the maximum.' },
      offset: { type: GraphQLInt },
      page: { type: GraphQLInt, description: '1-based page of `limit` rows (instead of offset).' },
      search: {
        type: GraphQLString,
        description: 'Case-insensitive text search over searchable fields.',
      },
    }
    query[slug] = { type: rootList(t.object), args: listArgs, resolve: listResolver(slug) }
    query[`${slug}ById`] = {
      type: t.object,
      args: { id: { type: new GraphQLNonNull(GraphQLID) } },
      resolve: byIdResolver(slug),
    }
    query[`${slug}Aggregated`] = {
      type: rootList(t.aggregated),
      args: { ...listArgs, groupBy: { type: new GraphQLList(new GraphQLNonNull(t.field)) } },
      resolve: aggregateResolver(slug),
    }
    if (options.subscriptions) {
      subscription[`${slug}Changes`] = {
        type: new GraphQLNonNull(changeType(slug, t)),
        description: `Changes of ${slug} rows you may read, as they happen (over SSE).`,
        args: { filter: { type: t.filter, description: 'Only rows that pass it (no relations).' } },
        subscribe: changesSubscriber(slug),
        resolve: (payload: unknown) => payload,
      }
    }

    const resolvers = mutationResolvers(slug)
    if (t.createInput) {
      mutation[`${slug}Create`] = {
        type: t.object,
        args: { data: { type: new GraphQLNonNull(t.createInput) } },
        resolve: resolvers.create,
      }
      mutation[`${slug}CreateMany`] = {
        type: rootList(t.object),
        args: {
          data: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(t.createInput))) },
        },
        resolve: resolvers.create,
      }
    }
    if (t.updateInput) {
      mutation[`${slug}Update`] = {
        type: t.object,
        args: {
          id: { type: new GraphQLNonNull(GraphQLID) },
          data: { type: new GraphQLNonNull(t.updateInput) },
        },
        resolve: resolvers.update,
      }
      mutation[`${slug}UpdateMany`] = {
        type: rootList(t.object),
        args: {
          ids: { type: idList },
          filter: { type: t.filter },
          data: { type: new GraphQLNonNull(t.updateInput) },
        },
        resolve: resolvers.updateMany,
      }
    }
    if (t.view.delete) {
      // Keys come back in the key's own type (Int for integer keys), as the object's key field
      // and REST give them; ID would turn 3 into "3". Arguments stay ID: they accept both.
      const key = scalarOf(keyType(t.view.definition))
      mutation[`${slug}Delete`] = {
        type: key,
        args: { id: { type: new GraphQLNonNull(GraphQLID) } },
        resolve: resolvers.remove,
      }
      mutation[`${slug}DeleteMany`] = {
        type: new GraphQLList(new GraphQLNonNull(key)),
        args: { ids: { type: idList }, filter: { type: t.filter } },
        resolve: resolvers.removeMany,
      }
    }
  }

  const extra: GraphQLNamedType[] = []
  const build = { view, typeOf: (slug: string) => types.get(slug)?.object }
  for (const contribute of contributions) {
    const parts = contribute(build)
    if (!parts) continue
    for (const [target, add] of [
      [query, parts.query],
      [mutation, parts.mutation],
      [subscription, parts.subscription],
    ] as const) {
      for (const [name, config] of Object.entries(add ?? {})) {
        if (name in target) throw GraphQLErrors.CONTRIBUTION_CONFLICT(name)
        target[name] = config
      }
    }
    extra.push(...(parts.types ?? []))
  }
  const names = new Set(types.keys())
  for (const type of extra) {
    if (names.has(type.name)) throw GraphQLErrors.CONTRIBUTION_CONFLICT(type.name)
  }

  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: query }),
    ...(Object.keys(mutation).length > 0
      ? { mutation: new GraphQLObjectType({ name: 'Mutation', fields: mutation }) }
      : {}),
    ...(Object.keys(subscription).length > 0
      ? { subscription: new GraphQLObjectType({ name: 'Subscription', fields: subscription }) }
      : {}),
    types: extra,
  })
}
