// Admin HTTP API: /api/collections. Every route needs an admin: 401 for anonymous callers, 403
// for everyone else, checked before the body is read so callers learn nothing about the schema.
import { defineRoute, type RequestContext, type RouteDefinition } from '@backlex/kernel'
import { z } from 'zod'
import { Collections, type CollectionsService } from '../contract.js'
import { collectionDefinitionSchema, documentedBody } from './api-schemas.js'
import { collectionInput } from './definition.js'
import { CollectionsErrors } from './errors.js'
import { collectionPatch } from './patch.js'

/** Throws 401 for anonymous callers and 403 for non-admins. */
export function requireCollectionsAdmin(ctx: RequestContext): CollectionsService {
  if (ctx.principal.type === 'anonymous') throw CollectionsErrors.UNAUTHORIZED()
  if (!ctx.principal.admin) throw CollectionsErrors.FORBIDDEN()
  return ctx.use(Collections)
}

// Slugs are checked by the service (unknown or malformed: 404), after the admin check.
const slugParams = z.object({ slug: z.string().max(200) })
const one = z.object({ data: collectionDefinitionSchema })
const tags = ['collections']

export const collectionRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/collections',
    summary: 'List collections (admin)',
    tags,
    query: z.object({
      include_archived: z
        .enum(['true', 'false'])
        .optional()
        .describe('Also list archived (adopted, deleted) collections'),
    }),
    response: z.object({ data: z.array(collectionDefinitionSchema) }),
    handler: async ({ ctx, query }) => ({
      data: await requireCollectionsAdmin(ctx).list(ctx.workspace, {
        includeArchived: query.include_archived === 'true',
      }),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/collections/:slug',
    summary: 'Read one collection (admin)',
    tags,
    params: slugParams,
    response: one,
    handler: async ({ ctx, params }) => {
      const found = await requireCollectionsAdmin(ctx).get(ctx.workspace, params.slug, {
        includeArchived: true,
      })
      if (!found) throw CollectionsErrors.COLLECTION_NOT_FOUND(params.slug)
      return { data: found }
    },
  }),
  defineRoute({
    method: 'post',
    path: '/collections',
    summary: 'Create a managed collection or adopt an existing table (admin)',
    description:
      'A managed collection gets its table `c_<workspace>_<slug>` at once (no redeploy); an adopted one wraps an existing table with metadata only. See docs/collections.md.',
    tags,
    body: documentedBody(collectionInput),
    status: 201,
    response: one,
    handler: async ({ ctx, body }) => ({
      data: await requireCollectionsAdmin(ctx).create(ctx.workspace, body as never),
    }),
  }),
  defineRoute({
    method: 'patch',
    path: '/collections/:slug',
    summary: 'Change a collection: add fields, relations and indexes; drop with confirm (admin)',
    tags,
    params: slugParams,
    body: documentedBody(collectionPatch),
    response: one,
    handler: async ({ ctx, params, body }) => ({
      data: await requireCollectionsAdmin(ctx).update(ctx.workspace, params.slug, body as never),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/collections/:slug',
    summary: 'Delete a collection: drops a managed table, archives an adopted one (admin)',
    tags,
    params: slugParams,
    response: z.object({
      data: z.object({ slug: z.string(), result: z.enum(['dropped', 'archived']) }),
    }),
    handler: async ({ ctx, params }) => ({
      data: await requireCollectionsAdmin(ctx).remove(ctx.workspace, params.slug),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/collections/:slug/restore',
    summary: 'Restore an archived (adopted) collection (admin)',
    tags,
    params: slugParams,
    response: one,
    handler: async ({ ctx, params }) => ({
      data: await requireCollectionsAdmin(ctx).restore(ctx.workspace, params.slug),
    }),
  }),
]
