// The realtime() plugin: the event log migration, the /api/realtime routes, the items hooks
// that log every write in its own transaction and fan it out after commit, and the Realtime
// service.
import {
  type BootContext,
  Clock,
  Database,
  definePlugin,
  type KernelHandle,
  Kv,
  PrincipalResolvers,
  PubSub,
} from '@backlex/kernel'
import { CollectionSchemas, Permissions } from '@backlex/permissions'
import pkg from '../package.json' with { type: 'json' }
import { parseChannel } from './channels.js'
import { createCollectionsChannel } from './collections-channel.js'
import {
  CollectionsSourceToken,
  ITEMS_COMMITTING,
  type ItemsCommittingPayload,
} from './collections-source.js'
import { RealtimeErrors } from './errors.js'
import { subscribeItemChanges } from './items/changes.js'
import { ITEM_ACTIONS, type ItemsActionPayload, itemEvents } from './items/events.js'
import type { LoggedEvent } from './log/event-log.js'
import { migrations } from './migrations.js'
import { type ResolvedRealtimeOptions, realtimeOptions } from './options.js'
import { createPresence } from './presence/presence.js'
import { type RealtimeState, realtimeRoutes } from './routes.js'
import { createRealtimeRuntime } from './runtime.js'
import { Realtime, type RealtimeService } from './service.js'

interface Instance extends RealtimeState {
  service: RealtimeService
}

/** Boot and shutdown reach the instance their register() built through the kernel. */
const instances = new WeakMap<KernelHandle, Instance>()

function createInstance(boot: BootContext, options: ResolvedRealtimeOptions): Instance {
  const database = boot.get(Database)
  const runtime = createRealtimeRuntime({
    database,
    pubsub: boot.get(PubSub),
    kv: boot.get(Kv),
    clock: boot.get(Clock),
    logger: boot.logger,
    permissions: boot.tryGet(Permissions),
    collections: boot.tryGet(CollectionsSourceToken),
    resolvers: () => boot.contributions(PrincipalResolvers),
    schemaSources: () => boot.contributions(CollectionSchemas),
    options,
  })
  const presence = createPresence({
    pubsub: boot.get(PubSub),
    callers: runtime.callers,
    logger: boot.logger,
    heartbeatMs: options.heartbeatMs,
    instance: crypto.randomUUID(),
    openConnection: () => runtime.openConnection(),
  })
  runtime.onHeartbeat(() => presence.heartbeat())
  const collectionsChannel = createCollectionsChannel(runtime)
  const service: RealtimeService = {
    async publish(workspace, channel, data) {
      const parsed = parseChannel(channel)
      if (!parsed) throw RealtimeErrors.INVALID_CHANNEL(channel)
      if (parsed.kind !== 'free') throw RealtimeErrors.NOT_PUBLISHABLE(channel)
      const [event] = await runtime.publish(workspace, channel, [
        { type: 'message', data: { data, sender: { type: 'system', id: null } } },
      ])
      return { id: event?.seq ?? 0 }
    },
    subscribeItems: (caller, collection, subscribeOptions) =>
      subscribeItemChanges(runtime, caller, collection, subscribeOptions),
    stats: () => ({
      connections: runtime.connections,
      channels: runtime.channels,
      callers: runtime.callers.size,
    }),
  }
  return { runtime, presence, collectionsChannel, service }
}

/**
 * Realtime over Server-Sent Events: permission-filtered item change feeds, schema events,
 * presence and free-form channels, resumable by Last-Event-ID, across instances via PubSub.
 * @example
 * defineConfig({ plugins: [sqlite(), auth(), permissions(), collections(), realtime()] })
 * // new EventSource('/api/realtime/items:posts/subscribe?filter[status][_eq]=published')
 */
export const realtime = definePlugin({
  name: '@backlex/realtime',
  version: pkg.version,
  kernel: '^0.1.0',
  requires: [Database, PubSub, Kv, Clock],
  optional: [Permissions, CollectionsSourceToken],
  provides: [Realtime],
  options: realtimeOptions,
  migrations,
  register(ctx, options) {
    // Per kernel: built on first use (at boot) from this kernel's services.
    let instance: Instance | undefined
    const current = (): Instance => {
      if (!instance) throw new Error('@backlex/realtime is used before it booted')
      return instance
    }
    ctx.provide(Realtime, (boot) => {
      instance = createInstance(boot, options)
      instances.set(boot.kernel, instance)
      return instance.service
    })
    for (const route of realtimeRoutes(current)) ctx.route(route)
    // Events logged inside a write's transaction, waiting for its commit to be announced. Keyed
    // by the change object the action hook gets after commit; a rollback leaves it to the GC.
    const committed = new WeakMap<object, { channel: string; logged: LoggedEvent[] }>()
    ctx.on.filter<ItemsCommittingPayload>(ITEMS_COMMITTING, async (payload, hook) => {
      const change = payload?.event
      if (!instance || typeof change?.collection !== 'string') return undefined
      const workspace = change.workspace ?? hook.workspace
      const channel = `items:${change.collection}`
      const logged = await instance.runtime.log.appendIn(
        payload.db,
        workspace,
        channel,
        itemEvents(payload.action, change),
      )
      committed.set(change, { channel, logged })
      return undefined
    })
    for (const [event, type] of Object.entries(ITEM_ACTIONS)) {
      ctx.on.action<ItemsActionPayload>(event, async (payload, hook) => {
        if (!instance || typeof payload?.collection !== 'string') return
        const workspace = payload.workspace ?? hook.workspace
        const { runtime } = instance
        const outbox = committed.get(payload)
        if (outbox) {
          committed.delete(payload)
          await runtime.announce(workspace, outbox.channel, outbox.logged)
          return
        }
        // A write that was not logged in its transaction (an emitter without `items.committing`).
        const primaryKey = (await runtime.deps.collections?.get(workspace, payload.collection))
          ?.primaryKey.name
        await runtime.publish(
          workspace,
          `items:${payload.collection}`,
          itemEvents(type, payload, primaryKey),
        )
      })
    }
  },
  async boot(ctx) {
    ctx.get(Realtime)
    const instance = instances.get(ctx.kernel)
    instance?.runtime.start()
    await instance?.collectionsChannel.start()
  },
  drain(ctx) {
    // Open streams would hold a graceful shutdown until its timeout.
    instances.get(ctx.kernel)?.runtime.drain()
  },
  async shutdown(ctx) {
    const instance = instances.get(ctx.kernel)
    if (!instance) return
    instances.delete(ctx.kernel)
    instance.collectionsChannel.stop()
    await instance.runtime.stop()
    await instance.presence.stop()
  },
})
