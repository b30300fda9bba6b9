// The HTTP routes: subscribe (Server-Sent Events) and publish per channel, and the admins'
// synthetic item event. Channel names are one path segment: `items:posts`, `presence:lobby`,
// `collections`, `chat.general`.
import { defineRoute, KernelErrors, type RouteDefinition } from '@backlex/kernel'
import { isAdmin } from '@backlex/permissions'
import { z } from 'zod'
import { parseChannel } from './channels.js'
import { Realtime } from './contract.js'
import { RealtimeErrors } from './errors.js'
import { publishFree, subscribeFree } from './free-form.js'
import { realtimeInstance } from './instance.js'
import type { ItemEventData } from './items/delivery.js'
import { subscribeItems } from './items/subscribe.js'

const channelParams = z.object({ channel: z.string().min(1).max(200) })
const row = z.record(z.string(), z.unknown())
const key = z.union([z.string().min(1), z.number()])

export const testEventInput = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('create'), key: key.optional(), after: row }),
  z.strictObject({
    type: z.literal('update'),
    key: key.optional(),
    before: row.optional(),
    after: row,
  }),
  z.strictObject({ type: z.literal('delete'), key: key.optional(), before: row }),
])

const published = z.object({
  data: z.object({ channel: z.string(), id: z.number().int().nullable() }),
})

function channelOf(name: string) {
  const channel = parseChannel(name)
  if (!channel) throw RealtimeErrors.INVALID_CHANNEL(name)
  return channel
}

/** The routes under /api/realtime; each reaches this kernel's instance through `use(Realtime)`. */
export const realtimeRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/realtime/:channel/subscribe',
    summary: 'Subscribe to a channel (text/event-stream)',
    description:
      'Server-Sent Events. `items:<collection>`: create, update, delete and leave events for the rows you may read (optional `filter`, `fields`); `presence:<name>`: roster, join and leave (signed-in callers); `collections`: schema changes (admins); any other name: free-form messages. Resume with the `Last-Event-ID` header (or `lastEventId`); `reset` means events were missed past retention: refetch. `ready` marks the start of live events.',
    tags: ['realtime'],
    params: channelParams,
    handler: async ({ params, ctx, c }) => {
      const channel = channelOf(params.channel)
      const { runtime, presence, collectionsChannel } = realtimeInstance(ctx.use(Realtime))
      const request = c.req.raw
      switch (channel.kind) {
        case 'items':
          return subscribeItems(runtime, ctx, request, channel.collection)
        case 'presence':
          return presence.subscribe(ctx, request, channel.room)
        case 'collections':
          return collectionsChannel.subscribe(ctx, request)
        case 'free':
          return subscribeFree(runtime, ctx, request, channel.name)
      }
    },
  }),
  defineRoute({
    method: 'post',
    path: '/realtime/:channel/publish',
    summary: 'Publish a message on a free-form channel',
    description:
      'Needs a signed-in caller (not a read-only API key); rate-limited per caller (429 with Retry-After).',
    tags: ['realtime'],
    params: channelParams,
    body: z.strictObject({ data: z.unknown() }),
    response: published,
    status: 201,
    handler: async ({ params, body, ctx }) => {
      const channel = channelOf(params.channel)
      if (channel.kind !== 'free') throw RealtimeErrors.NOT_PUBLISHABLE(channel.name)
      return publishFree(realtimeInstance(ctx.use(Realtime)).runtime, ctx, channel.name, body.data)
    },
  }),
  defineRoute({
    method: 'post',
    path: '/realtime/:channel/test-publish',
    summary: 'Send a synthetic item event (admins)',
    description:
      'Goes through the same log, fan-out and per-subscriber permissions as a real write; subscribers see `synthetic: true`. Only on `items:<collection>` channels.',
    tags: ['realtime'],
    params: channelParams,
    body: testEventInput,
    response: published,
    status: 201,
    handler: async ({ params, body, ctx }) => {
      const channel = channelOf(params.channel)
      if (ctx.principal.type === 'anonymous') throw RealtimeErrors.UNAUTHORIZED()
      if (!isAdmin(ctx.principal))
        throw RealtimeErrors.FORBIDDEN('Only admins can send test events.')
      if (channel.kind !== 'items') throw RealtimeErrors.NOT_PUBLISHABLE(channel.name)
      const { runtime } = realtimeInstance(ctx.use(Realtime))
      const { collections, schemaSources } = runtime.deps
      let known = false
      for (const source of schemaSources()) {
        if (await source(ctx.workspace, channel.collection)) {
          known = true
          break
        }
      }
      if (!known) throw RealtimeErrors.COLLECTION_NOT_FOUND(channel.collection)
      const primaryKey =
        (await collections?.get(ctx.workspace, channel.collection))?.primaryKey.name ?? 'id'
      const source = body.type === 'delete' ? body.before : body.after
      const itemKey = body.key ?? source[primaryKey]
      if (typeof itemKey !== 'string' && typeof itemKey !== 'number') {
        throw KernelErrors.VALIDATION_FAILED('body', [
          { path: 'key', message: `give "key", or "${primaryKey}" in the row` },
        ])
      }
      const data: ItemEventData = { key: itemKey, synthetic: true }
      if (body.type !== 'create')
        data.before = body.type === 'delete' ? body.before : (body.before ?? null)
      if (body.type !== 'delete') data.after = body.after
      const [event] = await runtime.publish(ctx.workspace, channel.name, [
        { type: body.type, data },
      ])
      return { data: { channel: channel.name, id: event?.seq ?? null } }
    },
  }),
]
