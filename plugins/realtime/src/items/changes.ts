// Item changes in process (Realtime.subscribeItems): the same checks, channel feed, event log,
// per-caller credential re-check and compiled permission matching as the SSE route, with an
// iterator sink in place of the HTTP response. GraphQL subscriptions are built on it.
import type { Principal } from '@backlex/kernel'
import type { Caller } from '../credentials.js'
import { IteratorSink, type IteratorSinkOptions } from '../in-process/iterator-sink.js'
import type { RealtimeRuntime } from '../runtime.js'
import type { FrameEvent } from '../sse/frames.js'
import { joinItems, prepareItemsSubscription } from './subscribe.js'

/** One change of a row, as the subscriber may see it. */
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

/** An iterator sink of item changes that knows its caller once joined. */
class ChangeStream extends IteratorSink<ItemChange> implements ItemChangeStream {
  caller: Caller | undefined
  private readonly subscribedAs: Principal

  constructor(principal: Principal, options: IteratorSinkOptions<ItemChange>) {
    super(options)
    this.subscribedAs = principal
  }

  get principal(): Principal {
    return this.caller?.principal ?? this.subscribedAs
  }
}

const CHANGE_TYPES = new Set(['create', 'update', 'delete', 'leave'])

function readItemChange({ event, data, id }: FrameEvent): ItemChange | undefined {
  if (!CHANGE_TYPES.has(event) || id === undefined) return undefined
  const body = data as {
    collection: string
    key: string | number
    data?: Record<string, unknown>
    synthetic?: true
  }
  return {
    type: event as ItemChange['type'],
    collection: body.collection,
    key: body.key,
    ...(body.data ? { data: body.data } : {}),
    id,
    ...(body.synthetic ? { synthetic: true } : {}),
  }
}

/**
 * Subscribes `caller` to the changes of `collection`. Checks first and throws what the SSE route
 * answers with (REALTIME_COLLECTION_NOT_FOUND, UNAUTHORIZED, FORBIDDEN, REALTIME_FIELD_FORBIDDEN,
 * REALTIME_INVALID_QUERY, INVALID_FILTER, REALTIME_CHANNEL_UNAVAILABLE); resolves once joined.
 * @example
 * const changes = await subscribeItemChanges(runtime, { workspace: 'main', principal }, 'posts', {})
 * for await (const change of changes) console.log(change.type, change.key)
 */
export async function subscribeItemChanges(
  runtime: RealtimeRuntime,
  caller: RealtimeCaller,
  collection: string,
  options: SubscribeItemsOptions = {},
): Promise<ItemChangeStream> {
  const { workspace, principal } = caller
  const checked = await prepareItemsSubscription(runtime, workspace, principal, collection, () => ({
    ...(options.filter !== undefined ? { filter: options.filter } : {}),
    ...(options.fields ? { fields: [...new Set(options.fields)] } : {}),
  }))
  const sink = new ChangeStream(principal, {
    maxBufferBytes: runtime.deps.options.maxBufferBytes,
    read: readItemChange,
    ...(options.signal ? { signal: options.signal } : {}),
  })
  runtime.track(sink)
  // Without a request nothing is re-checked, as for a request that carries no credentials.
  const request = caller.request ?? new Request('http://realtime.invalid/')
  sink.caller = await joinItems(runtime, request, workspace, principal, checked, sink, undefined)
  return sink
}
