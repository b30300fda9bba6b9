// Root resolvers: each one is a single items-engine call made as the caller, so GraphQL applies
// exactly the permissions of the REST API (row filters, field limits, validation, presets).
import { AGGREGATE_FUNCTIONS } from '@backlex/collections/contract'
import { isBacklexError } from '@backlex/kernel'
import type { GraphQLFieldResolver, GraphQLResolveInfo } from 'graphql'
import type { GraphQLContext } from '../contract.js'
import { GraphQLErrors } from '../errors.js'
import type { AggregateFunction, Item, ItemsQuery } from '../items-service.js'
import { toItemsFilter } from './filter.js'
import { fieldNodes, type ItemsShape, itemsShape, type SelectionScope } from './selection.js'

type Args = Record<string, unknown>
type Resolver<R = unknown> = GraphQLFieldResolver<unknown, GraphQLContext, Args, R>

export function scopeOf(info: GraphQLResolveInfo, context: GraphQLContext): SelectionScope {
  return {
    schema: info.schema,
    view: context.view,
    fragments: info.fragments,
    variables: info.variableValues,
  }
}

const shapeOf = (slug: string, info: GraphQLResolveInfo, context: GraphQLContext): ItemsShape =>
  itemsShape(info.fieldNodes, slug, scopeOf(info, context))

/**
 * The list arguments as an items query, read by the items query language's own reader: the same
 * checks, limits and errors (400 INVALID_QUERY with the argument's path) as REST, realtime and
 * the MCP tools.
 */
function listQuery(slug: string, args: Args, context: GraphQLContext): ItemsQuery {
  const raw: Record<string, unknown> = {}
  if (args.filter) raw.filter = toItemsFilter(context.view, slug, args.filter as Args)
  if (Array.isArray(args.sort)) raw.sort = args.sort
  if (typeof args.search === 'string' && args.search !== '') raw.search = args.search
  for (const key of ['limit', 'offset', 'page'] as const)
    if (typeof args[key] === 'number') raw[key] = args[key]
  return context.items.query.normalize(raw)
}

export function listResolver(slug: string): Resolver<Promise<Item[]>> {
  return async (_parent, args, context, info) => {
    const query = { ...listQuery(slug, args, context), ...shapeOf(slug, info, context) }
    return (await context.items.list(context.request, slug, query)).data
  }
}

export function byIdResolver(slug: string): Resolver<Promise<Item | null>> {
  return async (_parent, args, context, info) => {
    try {
      return await context.items.get(context.request, slug, args.id, {
        meta: [],
        ...shapeOf(slug, info, context),
      })
    } catch (error) {
      // A missing row and one the caller may not see look the same: null.
      if (isBacklexError(error) && error.code === 'ITEM_NOT_FOUND') return null
      throw error
    }
  }
}

const FUNCTIONS: readonly AggregateFunction[] = AGGREGATE_FUNCTIONS

export function aggregateResolver(slug: string): Resolver<Promise<Record<string, unknown>[]>> {
  return async (_parent, args, context, info) => {
    const query = listQuery(slug, args, context)
    const scope = scopeOf(info, context)
    const aggregate: Partial<Record<AggregateFunction, string[]>> = {}
    const add = (fn: AggregateFunction, field: string) => {
      const list = aggregate[fn] ?? []
      if (!list.includes(field)) list.push(field)
      aggregate[fn] = list
    }
    for (const node of info.fieldNodes.flatMap((n) => fieldNodes(n.selectionSet, scope))) {
      const name = node.name.value
      if (name === 'countAll') add('count', '*')
      else if ((FUNCTIONS as readonly string[]).includes(name)) {
        for (const child of fieldNodes(node.selectionSet, scope)) {
          if (!child.name.value.startsWith('__')) add(name as AggregateFunction, child.name.value)
        }
      }
    }
    if (Object.keys(aggregate).length === 0) add('count', '*')
    query.aggregate = aggregate
    const groupBy = Array.isArray(args.groupBy) ? (args.groupBy as string[]) : []
    if (groupBy.length > 0) query.groupBy = groupBy
    const rows = (await context.items.list(context.request, slug, query)).data
    return rows.map((row) => aggregatedRow(row, groupBy))
  }
}

/** An engine row (`{ status, count: 3, sum: { views: 60 } }`) -> the Aggregated type's shape. */
function aggregatedRow(row: Item, groupBy: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (groupBy.length > 0) out.group = Object.fromEntries(groupBy.map((g) => [g, row[g] ?? null]))
  for (const fn of FUNCTIONS) {
    const value = row[fn]
    if (value === undefined) continue
    if (typeof value === 'object' && value !== null) {
      const bucket = value as Record<string, unknown>
      if (fn === 'count' && '*' in bucket) out.countAll = bucket['*']
      out[fn] = bucket
    } else if (fn === 'count') out.countAll = value
  }
  return out
}

function selectionOf(args: Args, context: GraphQLContext, slug: string) {
  if (Array.isArray(args.ids)) return { keys: args.ids as unknown[] }
  if (args.filter)
    return { query: { filter: toItemsFilter(context.view, slug, args.filter as Args) } }
  throw GraphQLErrors.INVALID_ARGUMENT('ids', 'name the items with ids or filter')
}

export function mutationResolvers(slug: string) {
  // One create call either way: an object input creates a row, a list input creates rows.
  const create: Resolver<Promise<Item>> = (_p, args, context, info) =>
    context.items.create(
      context.request,
      slug,
      args.data,
      shapeOf(slug, info, context),
    ) as Promise<Item>
  const createMany: Resolver<Promise<Item[]>> = (_p, args, context, info) =>
    context.items.create(context.request, slug, args.data, shapeOf(slug, info, context)) as Promise<
      Item[]
    >
  const update: Resolver<Promise<Item>> = (_p, args, context, info) =>
    context.items.update(context.request, slug, args.id, args.data, shapeOf(slug, info, context))
  const updateMany: Resolver<Promise<Item[]>> = (_p, args, context, info) =>
    context.items.updateMany(
      context.request,
      slug,
      selectionOf(args, context, slug),
      args.data,
      shapeOf(slug, info, context),
    )
  const remove: Resolver = async (_p, args, context) => {
    await context.items.delete(context.request, slug, args.id)
    return args.id
  }
  const removeMany: Resolver = (_p, args, context) =>
    context.items.deleteMany(context.request, slug, selectionOf(args, context, slug))
  return { create, createMany, update, updateMany, remove, removeMany }
}
