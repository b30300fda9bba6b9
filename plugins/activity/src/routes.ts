// GET /api/activity: the log, newest first (admins: everything; others: their own).
import { defineRoute, type RouteDefinition } from '@backlex/kernel'
import { z } from 'zod'
import { ACTIVITY_ACTION, ActivityLog } from './contract.js'

/** An entry as the API answers it (also the `activity` of an item revision). */
export const activitySchema = z.object({
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

/** The routes of the activity log. */
export const activityRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/activity',
    summary: 'The activity log, newest first (admins: everything; others: their own)',
    tags: ['activity'],
    query: z.object({
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(1000)
        .default(100)
        .describe('Entries (default 100)'),
      offset: z.coerce.number().int().min(0).default(0).describe('Entries to skip'),
      collection: z.string().min(1).max(128).optional(),
      item: z.string().min(1).max(255).optional(),
      action: z
        .string()
        .max(64)
        .regex(ACTIVITY_ACTION, 'a dot-namespaced action, e.g. item.update or mcp.call')
        .optional()
        .describe('Only entries of this action, e.g. item.update or mcp.call'),
    }),
    response: z.object({ data: z.array(activitySchema) }),
    handler: async ({ ctx, query }) => ({
      data: await ctx.use(ActivityLog).list(ctx, query),
    }),
  }),
]
