// REST routes for roles (admins only): list, create, describe, delete.
import { defineRoute, type RouteDefinition } from '@backlex/kernel'
import { z } from 'zod'
import { Auth } from '../contract.js'
import { requireAdmin } from '../guards.js'
import { createRoleInput, roleName, roleSchema, updateRoleInput } from './schemas.js'

const nameParams = z.object({ name: roleName })
const tags = ['auth']

export const roleRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/roles',
    summary: 'List the roles of this workspace',
    tags,
    response: z.object({ data: z.array(roleSchema) }),
    handler: async ({ ctx }) => {
      requireAdmin(ctx.principal, false)
      return { data: await ctx.use(Auth).roles.list(ctx.workspace) }
    },
  }),
  defineRoute({
    method: 'post',
    path: '/roles',
    summary: 'Create a role',
    tags,
    status: 201,
    body: createRoleInput,
    response: z.object({ data: roleSchema }),
    handler: async ({ ctx, body }) => {
      requireAdmin(ctx.principal, true)
      return { data: await ctx.use(Auth).roles.create(ctx.workspace, body) }
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/roles/:name',
    summary: "Change a role's description",
    tags,
    params: nameParams,
    body: updateRoleInput,
    response: z.object({ data: roleSchema }),
    handler: async ({ ctx, params, body }) => {
      requireAdmin(ctx.principal, true)
      return { data: await ctx.use(Auth).roles.update(ctx.workspace, params.name, body) }
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/roles/:name',
    summary: 'Delete a role (built-in roles cannot be deleted)',
    tags,
    status: 204,
    params: nameParams,
    handler: async ({ ctx, params }) => {
      requireAdmin(ctx.principal, true)
      await ctx.use(Auth).roles.delete(ctx.workspace, params.name)
      return undefined
    },
  }),
] as RouteDefinition[]
