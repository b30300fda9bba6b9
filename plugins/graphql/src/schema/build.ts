// Builds the GraphQL schema of one view (workspace, schema version, caller's access) with one
// Pothos builder: per readable collection a list, a by-id and an aggregate query, mutations the
// caller may run and, with realtime installed, a subscription to its changes; then the
// contributions of other plugins, through the same builder.
import SchemaBuilder, { PothosSchemaError } from '@pothos/core'
import {
  type GraphQLNamedType,
  type GraphQLObjectType,
  GraphQLSchema,
  isSpecifiedScalarType,
} from 'graphql'
import type {
  GraphQLBuild,
  GraphQLBuilder,
  GraphQLContext,
  GraphQLContribution,
  GraphQLScalars,
  GraphQLSchemaTypes,
} from '../contract.js'
import { GraphQLErrors } from '../errors.js'
import {
  aggregateResolver,
  byIdResolver,
  listResolver,
  mutationResolvers,
} from '../resolve/resolvers.js'
import { type ChangePayload, changesSubscriber } from '../resolve/subscriptions.js'
import { changeType, itemChangeType } from './change-types.js'
import { type CollectionTypes, collectionTypes, keyType } from './collection-types.js'
import { addScalars, scalarOf } from './scalars.js'
import type { SchemaView } from './view.js'

export interface BuildOptions {
  /** Add `<collection>Changes` subscriptions (the Realtime service is installed). */
  subscriptions?: boolean
}

type Types = GraphQLSchemaTypes
type RootFields = PothosSchemaTypes.RootFieldBuilder<Types, unknown>
type FieldOf = ReturnType<RootFields['field']>

const SORT = 'Fields to sort by; "-views" descends, "author.name" follows a relation.'

/** The arguments of a collection's list and aggregate queries. */
function listArgs(t: RootFields, types: CollectionTypes) {
  return {
    filter: t.arg({ type: types.filter }),
    sort: t.arg({ type: ['String'], description: SORT }),
    limit: t.arg.int({ description: 'Rows to return; -1 for all up to the maximum.' }),
    offset: t.arg.int(),
    page: t.arg.int({ description: '1-based page of `limit` rows (instead of offset).' }),
    search: t.arg.string({ description: 'Case-insensitive text search over searchable fields.' }),
  }
}

function queryFields(t: RootFields, view: SchemaView, all: Map<string, CollectionTypes>) {
  const fields: Record<string, FieldOf> = {
    schemaVersion: t.int({
      nullable: false,
      description: 'The version of the collections this schema was generated from.',
      resolve: () => view.version,
    }),
  }
  for (const [slug, types] of all) {
    // Root lists are nullable, so one failing root field does not null its siblings.
    fields[slug] = t.field({
      type: [types.object],
      args: listArgs(t, types),
      resolve: listResolver(slug),
    })
    fields[`${slug}ById`] = t.field({
      type: types.object,
      args: { id: t.arg.id({ required: true }) },
      resolve: byIdResolver(slug),
    })
    fields[`${slug}Aggregated`] = t.field({
      type: [types.aggregated],
      args: { ...listArgs(t, types), groupBy: t.arg({ type: [types.field] }) },
      resolve: aggregateResolver(slug),
    })
  }
  return fields
}

function mutationFields(t: RootFields, all: Map<string, CollectionTypes>) {
  const fields: Record<string, FieldOf> = {}
  for (const [slug, types] of all) {
    const resolvers = mutationResolvers(slug)
    const { createInput, updateInput } = types
    if (createInput) {
      fields[`${slug}Create`] = t.field({
        type: types.object,
        args: { data: t.arg({ type: createInput, required: true }) },
        resolve: resolvers.create,
      })
      fields[`${slug}CreateMany`] = t.field({
        type: [types.object],
        args: { data: t.arg({ type: [createInput], required: true }) },
        resolve: resolvers.createMany,
      })
    }
    if (updateInput) {
      fields[`${slug}Update`] = t.field({
        type: types.object,
        args: {
          id: t.arg.id({ required: true }),
          data: t.arg({ type: updateInput, required: true }),
        },
        resolve: resolvers.update,
      })
      fields[`${slug}UpdateMany`] = t.field({
        type: [types.object],
        args: {
          ids: t.arg.idList(),
          filter: t.arg({ type: types.filter }),
          data: t.arg({ type: updateInput, required: true }),
        },
        resolve: resolvers.updateMany,
      })
    }
    if (types.view.delete) {
      // Keys come back in the key's own type (Int for integer keys), as the object's key field
      // and REST give them; ID would turn 3 into "3". Arguments stay ID: they accept both.
      const key = scalarOf(keyType(types.view.definition))
      fields[`${slug}Delete`] = t.field({
        type: key,
        args: { id: t.arg.id({ required: true }) },
        resolve: resolvers.remove as never,
      })
      fields[`${slug}DeleteMany`] = t.field({
        type: [key],
        args: { ids: t.arg.idList(), filter: t.arg({ type: types.filter }) },
        resolve: resolvers.removeMany as never,
      })
    }
  }
  return fields
}

/** The change type of every collection, added before any fields are built. */
function changeTypes(
  builder: GraphQLBuilder,
  all: Map<string, CollectionTypes>,
  generated: Set<string>,
) {
  const changes = new Map<string, ReturnType<typeof changeType>>()
  if (all.size === 0) return changes
  const kind = itemChangeType(builder)
  generated.add('ItemChangeType')
  for (const [slug, types] of all) {
    generated.add(`${slug}Change`)
    changes.set(slug, changeType(builder, slug, types, kind))
  }
  return changes
}

function subscriptionFields(
  t: RootFields,
  all: Map<string, CollectionTypes>,
  changes: Map<string, ReturnType<typeof changeType>>,
) {
  const fields: Record<string, FieldOf> = {}
  for (const [slug, types] of all) {
    const change = changes.get(slug)
    if (!change) continue
    fields[`${slug}Changes`] = t.field({
      type: change,
      nullable: false,
      description: `Changes of ${slug} rows you may read, as they happen (over SSE).`,
      args: {
        filter: t.arg({
          type: types.filter,
          description: 'Only rows that pass it (no relations).',
        }),
      },
      subscribe: changesSubscriber(slug),
      resolve: (payload: ChangePayload) => payload,
    })
  }
  return fields
}

/** A root type, or undefined when nothing was added to it (GraphQL allows no empty type). */
const rootOf = (type: GraphQLObjectType | null | undefined) =>
  type && Object.keys(type.getFields()).length > 0 ? type : undefined

/** Pothos' duplicate-name errors, as this package's conflict error. */
function conflictOf(error: unknown): unknown {
  if (!(error instanceof PothosSchemaError)) return error
  const name =
    /Duplicate field (\S+) on (\S+)/.exec(error.message)?.[1] ??
    /type with name (\S+) already exists/.exec(error.message)?.[1]
  return name ? GraphQLErrors.CONTRIBUTION_CONFLICT(name) : error
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
  const builder: GraphQLBuilder = new SchemaBuilder<{
    Context: GraphQLContext
    Scalars: GraphQLScalars
  }>({})
  addScalars(builder)
  const generated = new Set<string>(['JSON', 'BigInt', 'Decimal'])
  const all = collectionTypes(builder, view, generated)
  builder.queryType({ fields: (t) => queryFields(t, view, all) })
  builder.mutationType({ fields: (t) => mutationFields(t, all) })
  const changes = options.subscriptions ? changeTypes(builder, all, generated) : new Map()
  builder.subscriptionType({ fields: (t) => subscriptionFields(t, all, changes) })

  const build: GraphQLBuild = { view, typeOf: (slug) => all.get(slug)?.object }
  let built: GraphQLSchema
  try {
    for (const contribute of contributions) contribute(builder, build)
    built = builder.toSchema({ sortSchema: false })
  } catch (error) {
    throw conflictOf(error)
  }

  // The schema again from its roots, so its types come in the order graphql-js collects them
  // (what clients and the pinned SDL see), contributed types first; empty roots left out.
  const roots = new Set<GraphQLNamedType | null | undefined>([
    built.getQueryType(),
    built.getMutationType(),
    built.getSubscriptionType(),
  ])
  const contributed = Object.values(built.getTypeMap()).filter(
    (type) =>
      !roots.has(type) &&
      !generated.has(type.name) &&
      !type.name.startsWith('__') &&
      !isSpecifiedScalarType(type),
  )
  return new GraphQLSchema({
    query: built.getQueryType(),
    mutation: rootOf(built.getMutationType()),
    subscription: rootOf(built.getSubscriptionType()),
    types: contributed,
  })
}
