// Item changes in process (Realtime.subscribeItems): the same checks, channel feed, event log,
// per-caller credential re-check and compiled permission matching as the SSE route, with an
// iterator sink in place of the HTTP response. GraphQL subscriptions are built on it.

import type { FrameEvent, Principal } from '@backlex/kernel'
import type {
  ItemChange,
  ItemChangeStream,
  RealtimeCaller,
  SubscribeItemsOptions,
} from '../contract.js'
import type { Caller } from '../credentials.js'
import { IteratorSink, type IteratorSinkOptions } from '../in-process/iterator-sink.js'
import type { RealtimeRuntime } from '../runtime.js'
import { subscriptionQueryOf } from './query.js'
import { joinItems, prepareItemsSubscription } from './subscribe.js'

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
 * INVALID_QUERY, REALTIME_INVALID_QUERY, INVALID_FILTER, REALTIME_CHANNEL_UNAVAILABLE); resolves once joined.
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
  const checked = await prepareItemsSubscription(runtime, workspace, principal, collection, () =>
    subscriptionQueryOf(runtime.deps.items?.query, options),
  )
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
