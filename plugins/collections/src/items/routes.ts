// The items REST API: /api/items/:slug[/:id] with the query language, and batch writes. Schemas
// document every route in /api/openapi; the query string is read from the URL itself, since the
// bracket form (`filter[views][_gt]=10`) nests beyond what a flat schema holds.
import { defineRoute, type RequestContext, type RouteDefinition } from '@backlex/kernel'
import type { Context } from 'hono'
import { z } from 'zod'
import { Items, type ItemsCaller, type ItemsRuntime } from '../contract.js'
import type { ItemsQuery } from './query/types.js'

const tags = ['items']
const item = z.record(z.string(), z.unknown()).describe('An item: field names to values')
const slugParams = z.object({ slug: z.string().min(1).max(128).describe('Collection slug') })
const itemParams = slugParams.extend({ id: z.string().min(1).max(255).describe('Primary key') })

const text = (description: string) => z.string().optional().describe(description)
const listQuery = z.looseObject({
  fields: text('Fields: `*`, `*.*`, `title,author.name`; also `fields[]=title`'),
  filter: text('Filter as JSON (`{"views":{"_gt":10}}`) or brackets (`filter[views][_gt]=10`)'),
  search: text('Case-insensitive text search over searchable fields'),
  sort: text('`-views,title`; `-` descending; dot paths through many-to-one relations'),
  limit: text('Rows (default 100; -1: all up to the configured maximum)'),
  offset: text('Rows to skip'),
  page: text('1-based page of `limit` rows'),
  meta: text('`total_count`, `filter_count` or `*`'),
  aggregate: text('`aggregate[count]=*`, `aggregate[sum]=views`, or JSON'),
  groupBy: text(
    'Fields (or functions, e.g. year(published_at)) to group by; alone: the distinct groups',
  ),
  deep: text('Per relation: `deep[comments][_limit]=3`, `_filter`, `_sort`, `_offset`, or JSON'),
})
const shapeQuery = z.looseObject({
  fields: text('Fields of the returned item(s), as for GET'),
  deep: text('Per-relation options of the returned item(s), as for GET'),
})
const one = z.object({ data: item })
const many = z.object({
  data: z.array(item),
  meta: z
    .object({ total_count: z.number().optional(), filter_count: z.number().optional() })
    .optional(),
})
const keys = z
  .array(z.union([z.string(), z.number()]))
  .min(1)
  .describe('Primary keys')
const batchQuery = z
  .object({
    filter: z.record(z.string(), z.unknown()).optional(),
    search: z.string().optional(),
  })
  .strict()
  .refine((q) => q.filter !== undefined || q.search !== undefined, 'name a filter or a search')
  .describe('Selects the items to change, as a list query would (`filter`, `search`)')

const caller = (ctx: RequestContext): ItemsCaller => ({
  principal: ctx.principal,
  workspace: ctx.workspace,
  requestId: ctx.requestId,
  clientAddress: ctx.clientAddress,
  waitUntil: ctx.waitUntil,
})

/** The query string of a request, read by `items.query`; only `only` parameters may appear. */
function queryOf(items: ItemsRuntime, c: Context, only?: readonly string[]): ItemsQuery {
  // The query string alone: parsing the whole URL on every read costs more than the query.
  const url = c.req.url
  const start = url.indexOf('?')
  const end = url.indexOf('#', start)
  const search = start === -1 ? '' : url.slice(start + 1, end === -1 ? undefined : end)
  return items.query.fromSearchParams(search, only ? { only } : undefined)
}

const SHAPE = ['fields', 'deep'] as const
const NONE = [] as const

/** The routes of the items API; each reaches the items runtime through `ctx.use(Items)`. */
export const itemRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/items/:slug',
    summary: 'List items of a collection',
    description: 'Query language: see docs/querying.md. Only rows and fields the caller may read.',
    tags,
    params: slugParams,
    query: listQuery,
    response: many,
    handler: ({ ctx, params, c }) => {
      const items = ctx.use(Items)
      return items.list(caller(ctx), params.slug, queryOf(items, c))
    },
  }),
  defineRoute({
    method: 'get',
    path: '/items/:slug/:id',
    summary: 'Read one item',
    description:
      '404 ITEM_NOT_FOUND both when it does not exist and when the caller may not see it.',
    tags,
    params: itemParams,
    query: shapeQuery,
    response: one,
    handler: async ({ ctx, params, c }) => {
      const items = ctx.use(Items)
      return {
        data: await items.get(caller(ctx), params.slug, params.id, queryOf(items, c, SHAPE)),
      }
    },
  }),
  defineRoute({
    method: 'post',
    path: '/items/:slug',
    summary: 'Create one item (an object) or several (an array, all or nothing)',
    tags,
    params: slugParams,
    query: shapeQuery,
    body: z.union([item, z.array(z.unknown())]),
    response: z.object({ data: z.union([item, z.array(item)]) }),
    status: 201,
    handler: async ({ ctx, params, body, c }) => {
      const items = ctx.use(Items)
      return { data: await items.create(caller(ctx), params.slug, body, queryOf(items, c, SHAPE)) }
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/items/:slug/:id',
    summary: 'Change one item',
    tags,
    params: itemParams,
    query: shapeQuery,
    body: item,
    response: one,
    handler: async ({ ctx, params, body, c }) => {
      const items = ctx.use(Items)
      const shape = queryOf(items, c, SHAPE)
      return { data: await items.update(caller(ctx), params.slug, params.id, body, shape) }
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/items/:slug',
    summary: 'Change several items (by keys or by query), all or nothing',
    tags,
    params: slugParams,
    query: shapeQuery,
    body: z.union([
      z.object({ keys, data: item }).strict(),
      z.object({ query: batchQuery, data: item }).strict(),
    ]),
    response: z.object({ data: z.array(item) }),
    handler: async ({ ctx, params, body, c }) => {
      const items = ctx.use(Items)
      const selection = 'keys' in body ? { keys: body.keys } : { query: body.query }
      const shape = queryOf(items, c, SHAPE)
      return { data: await items.updateMany(caller(ctx), params.slug, selection, body.data, shape) }
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/items/:slug/:id',
    summary: 'Delete one item',
    tags,
    params: itemParams,
    status: 204,
    handler: async ({ ctx, params, c }) => {
      const items = ctx.use(Items)
      queryOf(items, c, NONE)
      await items.delete(caller(ctx), params.slug, params.id)
      return undefined
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/items/:slug',
    summary: 'Delete several items (by keys or by query), all or nothing',
    tags,
    params: slugParams,
    body: z.union([keys, z.object({ keys }).strict(), z.object({ query: batchQuery }).strict()]),
    status: 204,
    handler: async ({ ctx, params, body, c }) => {
      const items = ctx.use(Items)
      queryOf(items, c, NONE)
      const selection = Array.isArray(body)
        ? { keys: body }
        : 'keys' in body
          ? { keys: body.keys }
          : { query: body.query }
      await items.deleteMany(caller(ctx), params.slug, selection)
      return undefined
    },
  }),
]

export { caller as callerOf }
