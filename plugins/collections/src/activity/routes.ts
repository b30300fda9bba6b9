// /api/revisions and /api/activity: an item's history, reverting to a revision, and the log.
import { defineRoute, type RouteDefinition } from '@backlex/kernel'
import { z } from 'zod'
import { Items } from '../contract.js'
import { callerOf } from '../items/routes.js'
import { ACTIVITY_ACTION } from './service.js'

const tags = ['items']
const page = {
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Entries (default 100)'),
  offset: z.coerce.number().int().min(0).default(0).describe('Entries to skip'),
}
const activity = z.object({
  id: z.string(),
  action: z
    .string()
    .describe('Dot-namespaced: item.create, item.update, item.delete, mcp.call, ...'),
  collection: z.string().nullable().describe('null when the entry is about no collection'),
  item: z.string().nullable().describe('null when the entry is about no item'),
  principalType: z.string(),
  userId: z.string().nullable(),
  apiKeyId: z.string().nullable(),
  clientAddress: z.string().nullable(),
  requestId: z.string().nullable(),
  detail: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('What the writer added (e.g. tool, endpoint, ok, error, durationMs of mcp.call)'),
  createdAt: z.string(),
})
const values = z.record(z.string(), z.unknown()).nullable()
const revision = z.object({
  id: z.string(),
  collection: z.string(),
  item: z.string(),
  data: values.describe('The item after the change (before it, for a delete)'),
  delta: values.describe('What the change wrote; null for a delete'),
  activity,
  createdAt: z.string(),
})

/** Routes of the audit trail: revisions, revert and the activity log. */
export const activityRoutes: RouteDefinition[] = [
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
  defineRoute({
    method: 'get',
    path: '/activity',
    summary: 'The activity log, newest first (admins: everything; others: their own)',
    tags,
    query: z.object({
      ...page,
      collection: z.string().min(1).max(128).optional(),
      item: z.string().min(1).max(255).optional(),
      action: z
        .string()
        .max(64)
        .regex(ACTIVITY_ACTION, 'a dot-namespaced action, e.g. item.update or mcp.call')
        .optional()
        .describe('Only entries of this action, e.g. item.update or mcp.call'),
    }),
    response: z.object({ data: z.array(activity) }),
    handler: async ({ ctx, query }) => ({
      data: await ctx.use(Items).activity(callerOf(ctx), query),
    }),
  }),
]
