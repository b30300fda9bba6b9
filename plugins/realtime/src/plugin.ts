// The realtime() plugin: the event log migration, the /api/realtime routes, the items hooks
// that log every write in its own transaction and fan it out after commit, and the Realtime
// service.
import { definePlugin } from '@backlex/kernel'
import pkg from '../package.json' with { type: 'json' }
import { ItemsCommitting } from './collections.js'
import { Realtime } from './contract.js'
import { RealtimeInstance, realtimeDeps, realtimeInstance } from './instance.js'
import { ITEM_ACTIONS, itemEvents } from './items/events.js'
import type { LoggedEvent } from './log/event-log.js'
import { migrations } from './migrations.js'
import { realtimeOptions } from './options.js'
import { realtimeRoutes } from './routes.js'

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
  requires: realtimeDeps.requires,
  optional: realtimeDeps.optional,
  provides: realtimeDeps.provides,
  options: realtimeOptions,
  migrations,
  register(ctx, options) {
    ctx.provide(Realtime, (boot) => new RealtimeInstance(boot, options), {
      start: (instance) => instance.start(),
      drain: (instance) => instance.drain(),
      stop: (instance) => instance.stop(),
    })
    for (const route of realtimeRoutes) ctx.route(route)
    // Events logged inside a write's transaction, waiting for its commit to be announced. Keyed
    // by the change object the action hook gets after commit; a rollback leaves it to the GC.
    const committed = new WeakMap<object, { channel: string; logged: LoggedEvent[] }>()
    ctx.on.filter(ItemsCommitting, async (payload, hook) => {
      const change = payload?.event
      if (typeof change?.collection !== 'string') return undefined
      const workspace = change.workspace ?? hook.workspace
      const channel = `items:${change.collection}`
      const logged = await realtimeInstance(hook.use(Realtime)).runtime.log.appendIn(
        payload.db,
        workspace,
        channel,
        itemEvents(payload.action, change),
      )
      committed.set(change, { channel, logged })
      return undefined
    })
    for (const [event, type] of ITEM_ACTIONS) {
      ctx.on.action(event, async (payload, hook) => {
        if (typeof payload?.collection !== 'string') return
        const workspace = payload.workspace ?? hook.workspace
        const { runtime } = realtimeInstance(hook.use(Realtime))
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
})
