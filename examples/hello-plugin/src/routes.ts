// The plugin's HTTP routes, under /api/hello. The zod schemas validate requests and
// document the routes in /api/openapi.
import { defineRoute, type EventMeta, type RequestContext } from '@backlex/kernel'
import { z } from 'zod'
import { HelloErrors } from './errors.js'
import { Greeter, greeting, greetingDraft } from './greeter.js'

const metaOf = (ctx: RequestContext): EventMeta => ({
  workspace: ctx.workspace,
  principal: ctx.principal,
  requestId: ctx.requestId,
})

export const greetRoute = defineRoute({
  method: 'get',
  path: '/hello/:name',
  summary: 'Greet someone',
  tags: ['hello'],
  params: z.object({ name: z.string().min(1).max(64) }),
  response: z.object({ greeting: z.string() }),
  handler: ({ params, ctx }) => ({ greeting: ctx.kernel.get(Greeter).greet(params.name) }),
})

export const createGreetingRoute = defineRoute({
  method: 'post',
  path: '/hello/greetings',
  summary: 'Store a greeting',
  tags: ['hello'],
  status: 201,
  body: greetingDraft,
  response: greeting,
  handler: ({ body, ctx }) => ctx.kernel.get(Greeter).create(body, metaOf(ctx)),
})

export const getGreetingRoute = defineRoute({
  method: 'get',
  path: '/hello/greetings/:id',
  summary: 'Read a stored greeting',
  tags: ['hello'],
  params: z.object({ id: z.string().min(1) }),
  response: greeting,
  handler: async ({ params, ctx }) => {
    const found = await ctx.kernel.get(Greeter).find(params.id, ctx.workspace)
    if (!found) throw HelloErrors.GREETING_NOT_FOUND(params.id)
    return found
  },
})
