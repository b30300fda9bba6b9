// Admin HTTP API: /api/permissions. Every route needs an admin: 401 for anonymous callers,
// 403 for everyone else.
import {
  defineRoute,
  type Principal,
  type RequestContext,
  type RouteDefinition,
} from '@backlex/kernel'
import { z } from 'zod'
import { Permissions, type PermissionsService } from './contract.js'
import { PermissionsErrors } from './errors.js'
import { isAdmin } from './roles.js'
import { permissionInput, permissionPatch, permissionQuery, permissionSchema } from './schemas.js'

/**
 * Throws 401 for anonymous callers and 403 for non-admins.
 * @example
 * handler: ({ ctx }) => { requireAdmin(ctx.principal); return { ok: true } }
 */
export function requireAdmin(principal: Principal): void {
  if (principal.type === 'anonymous') throw PermissionsErrors.UNAUTHORIZED()
  if (!isAdmin(principal)) throw PermissionsErrors.FORBIDDEN()
}

const adminService = (ctx: RequestContext): PermissionsService => {
  requireAdmin(ctx.principal)
  return ctx.use(Permissions)
}

const idParams = z.object({ id: z.string().min(1).max(100) })
const one = z.object({ data: permissionSchema })
const tags = ['permissions']

export const permissionRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/permissions',
    summary: 'List permission rules (admin)',
    tags,
    query: permissionQuery,
    response: z.object({ data: z.array(permissionSchema) }),
    handler: async ({ ctx, query }) => ({
      data: await adminService(ctx).list(ctx.workspace, query),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/permissions/:id',
    summary: 'Read one permission rule (admin)',
    tags,
    params: idParams,
    response: one,
    handler: async ({ ctx, params }) => ({
      data: await adminService(ctx).get(ctx.workspace, params.id),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/permissions',
    summary: 'Create a permission rule (admin)',
    description:
      'One rule per (role, collection, action). `filter` and `validation` use the Directus filter syntax; see docs/permissions.md.',
    tags,
    body: permissionInput,
    response: one,
    status: 201,
    handler: async ({ ctx, body }) => ({
      data: await adminService(ctx).create(ctx.workspace, body),
    }),
  }),
  defineRoute({
    method: 'patch',
    path: '/permissions/:id',
    summary: 'Change a permission rule (admin)',
    tags,
    params: idParams,
    body: permissionPatch,
    response: one,
    handler: async ({ ctx, params, body }) => ({
      data: await adminService(ctx).update(ctx.workspace, params.id, body),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/permissions/:id',
    summary: 'Delete a permission rule (admin)',
    tags,
    params: idParams,
    status: 204,
    handler: async ({ ctx, params }) => {
      await adminService(ctx).remove(ctx.workspace, params.id)
      return undefined
    },
  }),
]
