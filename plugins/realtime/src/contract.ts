// What other plugins build against (`@backlex/realtime/contract`): the Realtime service token and
// type, the one item change type that flows from a write to every subscriber, and the typed
// filter events of free-form channels. Types and tokens only: no implementation is imported.
import type { Principal } from '@backlex/kernel'
import { defineEvent, defineService } from '@backlex/kernel'

/**
 * One change of a row, as the subscriber may see it: what `Realtime.subscribeItems` yields, and
 * what the SSE route and GraphQL subscriptions encode at their edge.
 */
export interface ItemChange {
  /** `leave`: a row the subscriber could see no longer passes its rules or filter. */
  type: 'create' | 'update' | 'delete' | 'leave'
  collection: string
  key: string | number
  /**
   * The row after the change (create, update), limited to the fields the caller may read on
   * this row and to the requested `fields`; absent for delete and leave. Shared by the
   * subscribers that see the same thing: treat it as read-only.
   */
  data?: Record<string, unknown>
  /** The event's number on the channel (1, 2, 3, ... without gaps). */
  id: number
  /** Sent by an admin through test-publish, not by a write. */
  synthetic?: true
}

/** Who subscribes: the caller of a request, kept current as the SSE route keeps it. */
export interface RealtimeCaller {
  workspace: string
  principal: Principal
  /**
   * The request the caller came with: its Authorization and Cookie headers are resolved again
   * before each batch of events, so a revoked key or ended session ends the subscription and
   * changed roles apply at once. Without it the principal is used as given (server-side use).
   */
  request?: Request
}

export interface SubscribeItemsOptions {
  /** A filter in the items query language; relational filters are refused. */
  filter?: Record<string, unknown>
  /** Fields to receive (the key always comes along); default: every readable field. */
  fields?: readonly string[]
  /** Ends the subscription when aborted, like `return()`. */
  signal?: AbortSignal
}

/** The changes of one subscription; `return()` (or `break`) ends it and frees what it held. */
export interface ItemChangeStream extends AsyncIterableIterator<ItemChange> {
  return(): Promise<IteratorResult<ItemChange>>
  /**
   * The caller as last re-checked: its roles may have changed since it subscribed. Read related
   * data for a change as this principal, not as the one that subscribed.
   */
  readonly principal: Principal
}

export interface RealtimeService {
  /**
   * Publishes a message on a free-form channel as the server: no rate limit, no hook, logged and
   * sent to every instance like a client's message (sender `{ type: 'system', id: null }`).
   * Throws REALTIME_INVALID_CHANNEL or REALTIME_NOT_PUBLISHABLE for other channels.
   * @example
   * await ctx.use(Realtime)?.publish('main', 'deploys', { version: '1.2.0' })
   */
  publish(workspace: string, channel: string, data: unknown): Promise<{ id: number }>
  /**
   * Subscribes a caller to the changes of a collection in process: the same checks, channel
   * feed, credential re-check and per-event permission filtering as
   * `GET /api/realtime/items:<collection>/subscribe`, as an async iterator of ItemChange.
   * Throws what that route answers with (REALTIME_COLLECTION_NOT_FOUND, UNAUTHORIZED,
   * FORBIDDEN, REALTIME_FIELD_FORBIDDEN, INVALID_QUERY and INVALID_FILTER as the items API
   * answers them, REALTIME_INVALID_QUERY for a field the collection lacks,
   * REALTIME_CHANNEL_UNAVAILABLE) before it resolves; resolves once joined, so every later write
   * reaches it. Ending the iteration (`break`, `return()`, the signal) leaves the channel. A
   * server-side end makes the iteration throw RealtimeErrors.STREAM_ENDED with a StreamEndCode
   * (REALTIME_SLOW_CONSUMER when the reader falls `maxBufferBytes` behind).
   * @example
   * const changes = await ctx.use(Realtime).subscribeItems(
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
 * The service token; list it in `optional` to publish when realtime is installed. A plugin that
 * must also load without `@backlex/realtime` names it by id with `serviceRef` instead.
 * @example
 * definePlugin({ name: '@acme/deploys', version: '1.0.0', optional: [Realtime],
 *   async boot(ctx) { await ctx.use(Realtime)?.publish('main', 'deploys', { up: true }) } })
 */
export const Realtime = defineService<RealtimeService>('backlex.realtime')

/** The payload of the `realtime.subscribe` filter hook; throw a BacklexError to refuse. */
export interface SubscribeHookPayload {
  channel: string
}

/** The payload of the `realtime.publish` filter hook; return it changed, or throw to refuse. */
export interface PublishHookPayload {
  channel: string
  data: unknown
}

/** Who sent a message on a free-form channel, as subscribers see it. */
export interface MessageSender {
  type: string
  id: string | null
}

/**
 * Runs before a caller joins a free-form channel; throw a BacklexError to refuse.
 * @example
 * ctx.on.filter(RealtimeSubscribe, ({ channel }, hook) => {
 *   if (channel.startsWith('staff.') && hook.principal.type === 'anonymous') throw forbidden()
 * })
 */
export const RealtimeSubscribe = defineEvent<SubscribeHookPayload>('realtime.subscribe')

/**
 * Runs before a client's message on a free-form channel is logged and sent: return the payload
 * changed (e.g. `data` cleaned), or throw a BacklexError to refuse it.
 * @example
 * ctx.on.filter(RealtimePublish, (message) => ({ ...message, data: clean(message.data) }))
 */
export const RealtimePublish = defineEvent<PublishHookPayload>('realtime.publish')
