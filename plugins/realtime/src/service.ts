// The Realtime service other plugins use: publish on a free-form channel from the server, and
// subscribe to item changes in process (GraphQL subscriptions are built on it).
import { defineService } from '@backlex/kernel'
import type { ItemChangeStream, RealtimeCaller, SubscribeItemsOptions } from './items/changes.js'

export interface RealtimeService {
  /**
   * Publishes a message on a free-form channel as the server: no rate limit, no hook, logged and
   * sent to every instance like a client's message (sender `{ type: 'system', id: null }`).
   * Throws REALTIME_INVALID_CHANNEL or REALTIME_NOT_PUBLISHABLE for other channels.
   * @example
   * await ctx.get(Realtime).publish('main', 'deploys', { version: '1.2.0' })
   */
  publish(workspace: string, channel: string, data: unknown): Promise<{ id: number }>
  /**
   * Subscribes a caller to the changes of a collection in process: the same checks, channel
   * feed, credential re-check and per-event permission filtering as
   * `GET /api/realtime/items:<collection>/subscribe`, as an async iterator of ItemChange.
   * Throws what that route answers with (REALTIME_COLLECTION_NOT_FOUND, UNAUTHORIZED,
   * FORBIDDEN, REALTIME_FIELD_FORBIDDEN, REALTIME_INVALID_QUERY, INVALID_FILTER,
   * REALTIME_CHANNEL_UNAVAILABLE) before it resolves; resolves once joined, so every later write
   * reaches it. Ending the iteration (`break`, `return()`, the signal) leaves the channel. A
   * server-side end makes the iteration throw RealtimeErrors.STREAM_ENDED with a StreamEndCode
   * (REALTIME_SLOW_CONSUMER when the reader falls `maxBufferBytes` behind).
   * @example
   * const changes = await ctx.get(Realtime).subscribeItems(
   *   { workspace: ctx.workspace, principal: ctx.principal, request }, 'posts',
   *   { filter: { status: { _eq: 'published' } } })
   * for await (const change of changes) console.log(change.type, change.key, change.data)
   */
  subscribeItems(
    caller: RealtimeCaller,
    collection: string,
    options?: SubscribeItemsOptions,
  ): Promise<ItemChangeStream>
  /**
   * Open streams (SSE and in process), channels with subscribers and re-checked credentials,
   * on this instance.
   */
  stats(): { connections: number; channels: number; callers: number }
}

/**
 * The service token; list it in `optional` to publish when realtime is installed.
 * @example
 * definePlugin({ name: '@acme/deploys', version: '1.0.0', optional: [Realtime],
 *   async boot(ctx) { await ctx.tryGet(Realtime)?.publish('main', 'deploys', { up: true }) } })
 */
export const Realtime = defineService<RealtimeService>('backlex.realtime')
