// /api/revisions: an item's history and reverting to a revision. (GET /api/activity is
// @backlex/activity's.)
import { defineRoute, type RouteDefinition } from '@backlex/kernel'
import { z } from 'zod'
import { Items } from '../contract.js'
import { callerOf } from '../items/routes.js'
import { revisionActivity } from './log.js'

const tags = ['items']
const page = {
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Entries (default 100)'),
  offset: z.coerce.number().int().min(0).default(0).describe('Entries to skip'),
}
const values = z.record(z.string(), z.unknown()).nullable()
const revision = z.object({
  id: z.string(),
  collection: z.string(),
  item: z.string(),
  data: values.describe('The item after the change (before it, for a delete)'),
  delta: values.describe('What the change wrote; null for a delete'),
  activity: revisionActivity
    .nullable()
    .describe("The change's activity entry; null where @backlex/activity is not installed"),
  createdAt: z.string(),
})

/** Routes of revisions: an item's history and revert. */
export const revisionRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/revisions/:collection/:id',
    summary: "An item's revisions, newest first",
    description: 'Only for items the caller may read, with only the fields it may read.',
    tags,
    params: z.object({ collection: z.string().min(1).max(128), id: z.string().min(1).max(255) }),
    query: z.object(page),
    response: z.object({ data: z.array(revision) }),
    handler: async ({ ctx, params, query }) => ({
      data: await ctx.use(Items).revisions(callerOf(ctx), params.collection, params.id, query),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/revisions/:id/revert',
    summary: 'Bring an item back to the values of a revision',
    description:
      'An update as the caller: its update permission, field rules and validation apply.',
    tags,
    params: z.object({ id: z.string().min(1).max(64) }),
    response: z.object({ data: z.record(z.string(), z.unknown()) }),
    handler: async ({ ctx, params }) => ({
      data: await ctx.use(Items).revert(callerOf(ctx), params.id),
    }),
  }),
]
