// The plugin's HTTP routes, under /api/hello. The zod schemas validate requests and
// document the routes in /api/openapi; handlers reach the Greeter through `ctx.use`, which
// allows what the plugin declared (Greeter is in its `provides`).
import { defineRoute } from '@backlex/kernel'
import { z } from 'zod'
import { Greeter } from './contract.js'
import { HelloErrors } from './errors.js'
import { greeting, greetingDraft } from './schemas.js'

export const greetRoute = defineRoute({
  method: 'get',
  path: '/hello/:name',
  summary: 'Greet someone',
  tags: ['hello'],
  params: z.object({ name: z.string().min(1).max(64) }),
  response: z.object({ greeting: z.string() }),
  handler: ({ params, ctx }) => ({ greeting: ctx.use(Greeter).greet(params.name) }),
})

export const createGreetingRoute = defineRoute({
  method: 'post',
  path: '/hello/greetings',
  summary: 'Store a greeting',
  tags: ['hello'],
  status: 201,
  body: greetingDraft,
  response: greeting,
  // The request context serves as the events' meta: workspace, principal, request id, waitUntil.
  handler: ({ body, ctx }) => ctx.use(Greeter).create(body, ctx),
})

export const getGreetingRoute = defineRoute({
  method: 'get',
  path: '/hello/greetings/:id',
  summary: 'Read a stored greeting',
  tags: ['hello'],
  params: z.object({ id: z.string().min(1) }),
  response: greeting,
  handler: async ({ params, ctx }) => {
    const found = await ctx.use(Greeter).find(params.id, ctx.workspace)
    if (!found) throw HelloErrors.GREETING_NOT_FOUND(params.id)
    return found
  },
})
