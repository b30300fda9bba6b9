// Kernel tools over items (MCP, agents, the admin). Each runs as the caller's principal, with the
// same permission checks as the REST API.
import { defineTool, type ToolContext, type ToolDefinition } from '@backlex/kernel'
import { z } from 'zod'
import { Items, type ItemsCaller } from '../contract.js'
import { itemsQueryToolInput } from './query/tool-input.js'

const collection = z.string().min(1).max(128).describe('Collection slug, e.g. "articles"')
const key = z.union([z.string(), z.number()]).describe('Primary key of the item')
const values = z.record(z.string(), z.unknown())
const fields = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .describe('Fields to return, as in items.list')

const FILTER_HELP =
  'Filters use the Directus syntax: { field: { _eq | _neq | _lt | _lte | _gt | _gte | _in | _nin | _null | _nnull | _contains | _icontains | _starts_with | _between | _empty ... : value } }, combined with _and / _or; relational paths such as { "author": { "name": { "_eq": "Ada" } } } and { "comments": { "_some": {...} } }.'

const callerOf = (ctx: ToolContext): ItemsCaller => ({
  principal: ctx.principal,
  workspace: ctx.workspace,
  requestId: ctx.requestId,
  clientAddress: ctx.clientAddress,
})

/** The fields a tool's answer carries, read as `items.list` reads them. */
const shapeOf = (ctx: ToolContext, given: string | string[] | undefined) =>
  ctx.use(Items).query.normalize({ fields: given })

/** The items tools; each runs through `ctx.use(Items)` as the caller. */
export const itemTools: ToolDefinition[] = [
  defineTool({
    name: 'items.list',
    description: `Lists items of a collection the caller may read, as { data: [...], meta? }. Use fields (["*"], ["title", "author.name"]), filter, search, sort (["-views"]), limit (default 100), offset or page, meta (["total_count", "filter_count"]), aggregate ({ "count": "*", "sum": ["views"] }) with groupBy, and deep ({ "comments": { "_limit": 3 } }). ${FILTER_HELP} Hidden fields cannot be filtered, sorted or aggregated on (FIELD_FORBIDDEN).`,
    // The query is read by the same schema as REST's, and refused with the same 400.
    input: itemsQueryToolInput({ collection }),
    annotation: 'read',
    handler: (ctx, { collection: slug, query }) => ctx.use(Items).list(callerOf(ctx), slug, query),
  }),
  defineTool({
    name: 'items.get',
    description:
      'Reads one item by primary key, as { data: {...} }. Fails with ITEM_NOT_FOUND when it does not exist or the caller may not see it.',
    input: z.strictObject({ collection, key, fields }),
    annotation: 'read',
    handler: async (ctx, input) => ({
      data: await ctx
        .use(Items)
        .get(callerOf(ctx), input.collection, input.key, shapeOf(ctx, input.fields)),
    }),
  }),
  defineTool({
    name: 'items.create',
    description:
      'Creates one item (data: an object) or several (data: an array, all or nothing), returning them as { data }. Values must fit each field type (INVALID_ITEM lists every problem); fields the caller may not write fail with FIELD_FORBIDDEN.',
    input: z.strictObject({
      collection,
      data: z.union([values, z.array(values).min(1)]),
      fields,
    }),
    annotation: 'write',
    handler: async (ctx, input) => ({
      data: await ctx
        .use(Items)
        .create(callerOf(ctx), input.collection, input.data, shapeOf(ctx, input.fields)),
    }),
  }),
  defineTool({
    name: 'items.update',
    description:
      'Changes fields of one item by primary key (only the given fields change), returning it as { data }. ITEM_NOT_FOUND when it does not exist or is hidden; FORBIDDEN when it is visible but not changeable.',
    input: z.strictObject({ collection, key, data: values, fields }),
    annotation: 'write',
    handler: async (ctx, input) => ({
      data: await ctx
        .use(Items)
        .update(callerOf(ctx), input.collection, input.key, input.data, shapeOf(ctx, input.fields)),
    }),
  }),
  defineTool({
    name: 'items.bulk_update',
    description: `Writes the same values to several items, all or nothing: either by keys, or every item matching filter and/or search (up to the batch maximum; BATCH_TOO_LARGE beyond). Returns the changed items as { data: [...] }. ${FILTER_HELP}`,
    input: z
      .strictObject({
        collection,
        keys: z.array(key).min(1).optional(),
        filter: values.optional(),
        search: z.string().optional(),
        data: values,
        fields,
      })
      .refine(
        (i) => (i.keys === undefined) !== (i.filter === undefined && i.search === undefined),
        'give either keys, or filter and/or search',
      ),
    annotation: 'write',
    handler: async (ctx, input) => ({
      data: await ctx
        .use(Items)
        .updateMany(
          callerOf(ctx),
          input.collection,
          input.keys
            ? { keys: input.keys }
            : { query: { filter: input.filter, search: input.search } },
          input.data,
          shapeOf(ctx, input.fields),
        ),
    }),
  }),
  defineTool({
    name: 'items.delete',
    description: `Deletes items by keys, or every item matching filter (all or nothing, up to the batch maximum). Irreversible except through revisions. Returns { deleted: [keys] }. ${FILTER_HELP}`,
    input: z
      .strictObject({
        collection,
        keys: z.array(key).min(1).optional(),
        filter: values.optional(),
      })
      .refine(
        (i) => (i.keys === undefined) !== (i.filter === undefined),
        'give either keys or filter',
      ),
    annotation: 'destructive',
    handler: async (ctx, input) => ({
      deleted: await ctx
        .use(Items)
        .deleteMany(
          callerOf(ctx),
          input.collection,
          input.keys ? { keys: input.keys } : { query: { filter: input.filter } },
        ),
    }),
  }),
]
