// REST routes for users (admins only): list them with their roles, set a user's roles.
import { defineRoute, type RouteDefinition } from '@backlex/kernel'
import { z } from 'zod'
import { Auth } from '../contract.js'
import { requireAdmin } from '../guards.js'
import { setUserRolesInput } from '../roles/schemas.js'
import { listUsersInput, userSchema } from './schemas.js'

const tags = ['auth']

export const userRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/users',
    summary: 'List users with their roles in this workspace',
    tags,
    query: listUsersInput,
    response: z.object({
      data: z.array(userSchema),
      meta: z.object({ total: z.number(), limit: z.number(), offset: z.number() }),
    }),
    handler: async ({ ctx, query }) => {
      requireAdmin(ctx.principal, false)
      const { users, total } = await ctx.use(Auth).users.list(ctx.workspace, query)
      return { data: users, meta: { total, limit: query.limit, offset: query.offset } }
    },
  }),
  defineRoute({
    method: 'post',
    path: '/users/:id/roles',
    summary: "Replace a user's roles in this workspace",
    tags,
    params: z.object({ id: z.string().min(1).max(100) }),
    body: setUserRolesInput,
    response: z.object({ data: userSchema }),
    handler: async ({ ctx, params, body }) => {
      requireAdmin(ctx.principal, true)
      const auth = ctx.use(Auth)
      await auth.roles.setUserRoles(ctx.workspace, params.id, body.roles)
      return { data: await auth.users.get(ctx.workspace, params.id) }
    },
  }),
] as RouteDefinition[]
