// REST routes for API keys: list your keys, create one (secret shown once), revoke one,
// change its MCP guards.
import { defineRoute, type RouteDefinition } from '@backlex/kernel'
import { z } from 'zod'
import { Auth } from '../contract.js'
import {
  apiKeyGuardsInput,
  apiKeySchema,
  createApiKeyInput,
  createdApiKeySchema,
} from './schemas.js'

const idParams = z.object({ id: z.string().min(1).max(100) })
const tags = ['auth']

export const apiKeyRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/api-keys',
    summary: 'List your API keys (never their secrets)',
    tags,
    response: z.object({ data: z.array(apiKeySchema) }),
    handler: async ({ ctx }) => ({
      data: await ctx.use(Auth).apiKeys.list(ctx.principal, ctx.workspace),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/api-keys',
    summary: 'Create an API key; its secret is in this response only',
    tags,
    status: 201,
    body: createApiKeyInput,
    response: z.object({ data: createdApiKeySchema }),
    handler: async ({ ctx, body }) => ({
      data: await ctx.use(Auth).apiKeys.create(ctx.principal, ctx.workspace, body),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/api-keys/:id',
    summary: 'Revoke an API key; it stops working on the next request',
    tags,
    status: 204,
    params: idParams,
    handler: async ({ ctx, params }) => {
      await ctx.use(Auth).apiKeys.revoke(ctx.principal, ctx.workspace, params.id)
      return undefined
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api-keys/:id/mcp-guards',
    summary: "Change an API key's read-only flag and tool allowlist",
    tags,
    params: idParams,
    body: apiKeyGuardsInput,
    response: z.object({ data: apiKeySchema }),
    handler: async ({ ctx, params, body }) => ({
      data: await ctx.use(Auth).apiKeys.updateGuards(ctx.principal, ctx.workspace, params.id, body),
    }),
  }),
] as RouteDefinition[]
