// Admin HTTP API for adopting existing tables: list candidates, inspect one. Adopting itself is
// POST /api/collections with `kind: "adopted"`.
import { defineRoute, KernelErrors, type RouteDefinition, zodIssues } from '@backlex/kernel'
import { FIELD_TYPES } from '@backlex/permissions'
import { z } from 'zod'
import { documentedBody } from '../schema/api-schemas.js'
import { requireCollectionsAdmin } from '../schema/routes.js'

const tags = ['collections']

export const tableInspectionSchema = z.object({
  table: z.string(),
  columns: z.array(
    z.object({
      name: z.string(),
      dbType: z.string(),
      type: z.enum(FIELD_TYPES).nullable(),
      nullable: z.boolean(),
      default: z.string().nullable(),
      primaryKey: z.boolean(),
      unique: z.boolean(),
      length: z.number().optional(),
      precision: z.number().optional(),
      scale: z.number().optional(),
    }),
  ),
  primaryKey: z.array(z.string()),
  foreignKeys: z.array(
    z.object({
      column: z.string(),
      table: z.string(),
      references: z.string(),
      onDelete: z.enum(['set null', 'cascade', 'restrict', 'no action', 'set default']),
    }),
  ),
})

const inspectBody = z.strictObject({
  table: z.string().min(1).max(128).describe('The table to read'),
})

export const adoptRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/admin/adopt/tables',
    summary: 'List tables that can be adopted as collections (admin)',
    tags,
    response: z.object({
      data: z.array(
        z.object({
          table: z.string(),
          adoptedAs: z.object({ workspace: z.string(), slug: z.string() }).nullable(),
          supported: z.boolean(),
        }),
      ),
    }),
    handler: async ({ ctx }) => ({ data: await requireCollectionsAdmin(ctx).adoptableTables() }),
  }),
  defineRoute({
    method: 'post',
    path: '/admin/adopt/inspect',
    summary: 'Inspect a table: columns, mapped field types, primary key, foreign keys (admin)',
    tags,
    body: documentedBody(inspectBody),
    response: z.object({ data: tableInspectionSchema }),
    handler: async ({ ctx, body }) => {
      const collections = requireCollectionsAdmin(ctx)
      const parsed = inspectBody.safeParse(body)
      if (!parsed.success) throw KernelErrors.VALIDATION_FAILED('body', zodIssues(parsed.error))
      return { data: await collections.inspectTable(parsed.data.table) }
    },
  }),
]
