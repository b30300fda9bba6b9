// GET /api/realtime/collections/subscribe: schema changes for admins, from the Collections
// service's onChange (which fires on every instance). Live only: on `ready`, refetch the schema.
// A deleted collection also ends the streams of its items channel and purges its event history,
// so a collection created later with the same slug never replays the dropped table's rows; at
// start, histories a crash kept from that purge are purged too.

import type { CollectionChange } from '@backlex/collections/contract'
import type { RequestContext } from '@backlex/kernel'
import { encodeEvent } from '@backlex/kernel'
import { isAdmin } from '@backlex/permissions'
import { deliveryStamp } from './credentials.js'
import { RealtimeErrors, StreamEndCodes } from './errors.js'
import type { RealtimeRuntime } from './runtime.js'
import type { StreamSubscriber } from './subscriber.js'

export interface CollectionsChannel {
  subscribe(ctx: RequestContext, request: Request): Promise<Response>
  /** Listens for schema changes; resolves once stale histories are purged. */
  start(): Promise<void>
  stop(): void
}

export function createCollectionsChannel(runtime: RealtimeRuntime): CollectionsChannel {
  const { collections, logger } = runtime.deps
  const byWorkspace = new Map<string, Set<StreamSubscriber>>()
  let unsubscribe: (() => void) | undefined
  // Changes are delivered one after the other, in the order they happened.
  let chain: Promise<void> = Promise.resolve()

  async function deliver(event: CollectionChange) {
    if (event.action === 'delete') {
      // On every instance (idempotent): each skips a number, which only makes resets surer.
      await runtime.log.purge(event.workspace, `items:${event.slug}`).catch((error: unknown) =>
        logger.error('realtime could not purge the events of a deleted collection', {
          collection: event.slug,
          error: error instanceof Error ? error.message : String(error),
        }),
      )
      for (const s of runtime.subscribersOf(event.workspace, `items:${event.slug}`)) {
        s.connection.close({
          code: StreamEndCodes.COLLECTION_DELETED,
          message: `Collection "${event.slug}" was deleted.`,
        })
      }
    }
    const subscribers = [...(byWorkspace.get(event.workspace) ?? [])]
    if (subscribers.length === 0) return
    const stamp = deliveryStamp()
    await Promise.all(subscribers.map((s) => s.caller.refresh(stamp)))
    const frame = encodeEvent(event.action, {
      channel: 'collections',
      slug: event.slug,
      action: event.action,
    })
    for (const s of subscribers) {
      if (!s.connection.isOpen) continue
      if (!isAdmin(s.caller.principal)) {
        s.connection.close({
          code: StreamEndCodes.ACCESS_LOST,
          message: 'Schema events are for admins only.',
        })
      } else s.connection.write(frame)
    }
  }

  /**
   * Purges item channels whose collection is gone, and events logged before their collection
   * was created (a collection dropped and created again while this purge could not run).
   */
  async function purgeStaleHistories() {
    if (!collections) return
    for (const { workspace, channel } of await runtime.log.channels('items:')) {
      const found = await collections.get(workspace, channel.slice('items:'.length))
      if (found && !found.createdAt) continue
      const deleted = await runtime.log.purge(workspace, channel, {
        onlyIfAny: true,
        ...(found?.createdAt ? { olderThan: new Date(found.createdAt) } : {}),
      })
      if (deleted > 0) {
        logger.warn('realtime purged events of a dropped collection', {
          workspace,
          channel,
          deleted,
        })
      }
    }
  }

  return {
    async subscribe(ctx, request) {
      if (!collections) {
        throw RealtimeErrors.CHANNEL_UNAVAILABLE('collections', '@backlex/collections')
      }
      const { principal, workspace } = ctx
      if (principal.type === 'anonymous') throw RealtimeErrors.UNAUTHORIZED()
      if (!isAdmin(principal)) throw RealtimeErrors.FORBIDDEN('Schema events are for admins only.')
      const connection = runtime.openConnection()
      const owner = { end: (code: string, message: string) => connection.close({ code, message }) }
      const caller = runtime.callers.acquire(request, workspace, principal, owner)
      const subscriber: StreamSubscriber = { connection, caller }
      const set = byWorkspace.get(workspace) ?? new Set()
      set.add(subscriber)
      byWorkspace.set(workspace, set)
      connection.onEnd(() => {
        caller.release(owner)
        set.delete(subscriber)
        if (set.size === 0 && byWorkspace.get(workspace) === set) byWorkspace.delete(workspace)
      })
      connection.writeNow(encodeEvent('ready', { channel: 'collections' }))
      return connection.response
    },
    start() {
      // Queued first (changes seen from now on are handled after it), and awaited by boot, so no
      // subscriber can replay such a history.
      chain = purgeStaleHistories().catch((error: unknown) =>
        logger.error('realtime could not purge the events of dropped collections', {
          error: error instanceof Error ? error.message : String(error),
        }),
      )
      const purged = chain
      unsubscribe = collections?.onChange((event) => {
        chain = chain
          .then(() => deliver(event))
          .catch((error: unknown) =>
            logger.error('realtime could not deliver a schema change', {
              error: error instanceof Error ? error.message : String(error),
            }),
          )
      })
      return purged
    },

    stop() {
      unsubscribe?.()
      unsubscribe = undefined
      byWorkspace.clear()
    },
  }
}
