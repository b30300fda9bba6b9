// The realtime instance of one kernel: the runtime, presence, the collections channel and the
// Realtime service built on them. The kernel makes it (provide) and starts and stops it; the
// plugin's routes and hooks reach it through `use(Realtime)`.
import { type BootContext, Clock, Database, Kv, PrincipalResolvers, PubSub } from '@backlex/kernel'
import { CollectionSchemas, Permissions } from '@backlex/permissions/contract'
import { parseChannel } from './channels.js'
import { Collections, Items } from './collections.js'
import { type CollectionsChannel, createCollectionsChannel } from './collections-channel.js'
import {
  type ItemChangeStream,
  Realtime,
  type RealtimeCaller,
  type RealtimeService,
  type SubscribeItemsOptions,
} from './contract.js'
import { RealtimeErrors } from './errors.js'
import { subscribeItemChanges } from './items/changes.js'
import type { ResolvedRealtimeOptions } from './options.js'
import { createPresence, type Presence } from './presence/presence.js'
import { createRealtimeRuntime, type RealtimeRuntime } from './runtime.js'

/** The services realtime declares: the kernel's it needs, the plugins it works with. */
export const realtimeDeps = {
  requires: [Database, PubSub, Kv, Clock],
  optional: [Permissions, Collections, Items],
  provides: [Realtime],
} as const

export type RealtimeDeps = typeof realtimeDeps

/** The Realtime service with what realtime's own routes and hooks need behind it. */
export class RealtimeInstance implements RealtimeService {
  readonly runtime: RealtimeRuntime
  readonly presence: Presence
  readonly collectionsChannel: CollectionsChannel

  constructor(boot: BootContext<RealtimeDeps>, options: ResolvedRealtimeOptions) {
    const pubsub = boot.use(PubSub)
    this.runtime = createRealtimeRuntime({
      database: boot.use(Database),
      pubsub,
      kv: boot.use(Kv),
      clock: boot.use(Clock),
      logger: boot.logger,
      permissions: boot.use(Permissions),
      collections: boot.use(Collections),
      items: boot.use(Items),
      resolvers: () => boot.contributions(PrincipalResolvers),
      schemaSources: () => boot.contributions(CollectionSchemas),
      options,
    })
    const runtime = this.runtime
    this.presence = createPresence({
      pubsub,
      callers: runtime.callers,
      logger: boot.logger,
      heartbeatMs: options.heartbeatMs,
      instance: crypto.randomUUID(),
      openConnection: () => runtime.openConnection(),
    })
    runtime.onHeartbeat(() => this.presence.heartbeat())
    this.collectionsChannel = createCollectionsChannel(runtime)
  }

  async publish(workspace: string, channel: string, data: unknown): Promise<{ id: number }> {
    const parsed = parseChannel(channel)
    if (!parsed) throw RealtimeErrors.INVALID_CHANNEL(channel)
    if (parsed.kind !== 'free') throw RealtimeErrors.NOT_PUBLISHABLE(channel)
    const [event] = await this.runtime.publish(workspace, channel, [
      { type: 'message', data: { data, sender: { type: 'system', id: null } } },
    ])
    return { id: event?.seq ?? 0 }
  }

  subscribeItems(
    caller: RealtimeCaller,
    collection: string,
    options?: SubscribeItemsOptions,
  ): Promise<ItemChangeStream> {
    return subscribeItemChanges(this.runtime, caller, collection, options)
  }

  stats(): { connections: number; channels: number; callers: number } {
    return {
      connections: this.runtime.connections,
      channels: this.runtime.channels,
      callers: this.runtime.callers.size,
    }
  }

  /** At boot: heartbeats and pruning, then schema changes (once stale histories are purged). */
  async start(): Promise<void> {
    this.runtime.start()
    await this.collectionsChannel.start()
  }

  /** Open streams would hold a graceful shutdown until its timeout: end them now. */
  drain(): void {
    this.runtime.drain()
  }

  async stop(): Promise<void> {
    this.collectionsChannel.stop()
    await this.runtime.stop()
    await this.presence.stop()
  }
}

/**
 * The instance behind a kernel's Realtime service, for realtime's own routes and hooks.
 * @example
 * const { runtime } = realtimeInstance(ctx.use(Realtime))
 */
export function realtimeInstance(service: RealtimeService): RealtimeInstance {
  if (service instanceof RealtimeInstance) return service
  throw new TypeError('backlex.realtime is provided by another plugin than @backlex/realtime')
}
