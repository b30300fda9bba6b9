// The query of an items subscription: `filter` and `fields`, read by the items query language of
// @backlex/collections (`items.query`: both spellings, the same limits and INVALID_QUERY as the
// REST API), and the position to resume from (`Last-Event-ID`, or realtime's own `lastEventId`).
import type { ItemsQuery, ItemsQueryReader } from '@backlex/collections/contract'
import type { SubscribeItemsOptions } from '../contract.js'
import { RealtimeErrors } from '../errors.js'

export interface SubscriptionQuery {
  /** The filter, an object for parseFilter. */
  filter?: unknown
  /** Field names; undefined: every field the caller may read. */
  fields?: string[]
}

/** The items query parameters a subscription takes; `lastEventId` is realtime's own. */
const ACCEPTED = ['filter', 'fields'] as const
const RESUME = 'lastEventId'

function subscriptionOf(query: Pick<ItemsQuery, 'filter' | 'fields'>): SubscriptionQuery {
  return {
    ...(query.filter !== undefined ? { filter: query.filter } : {}),
    ...(query.fields && !query.fields.includes('*') ? { fields: [...new Set(query.fields)] } : {}),
  }
}

/**
 * Reads the subscription's query from a URL through `reader` (collections' `items.query`).
 * Without it (collections not installed) only unfiltered subscriptions can be read.
 * @example
 * readSubscriptionQuery(items.query, 'items:posts', new URLSearchParams('filter[status][_eq]=published&fields=id,title'))
 * // { filter: { status: { _eq: 'published' } }, fields: ['id', 'title'] }
 */
export function readSubscriptionQuery(
  reader: ItemsQueryReader | undefined,
  channel: string,
  params: URLSearchParams,
): SubscriptionQuery {
  if (!reader) {
    for (const key of params.keys()) {
      if (key !== RESUME) {
        throw RealtimeErrors.CHANNEL_UNAVAILABLE(channel, '@backlex/collections to read its query')
      }
    }
    return {}
  }
  return subscriptionOf(reader.fromSearchParams(params, { only: ACCEPTED, ignore: [RESUME] }))
}

/**
 * The query of an in-process subscription (`Realtime.subscribeItems`), checked by `reader` as
 * GraphQL arguments are; given as it is where there is no reader.
 */
export function subscriptionQueryOf(
  reader: ItemsQueryReader | undefined,
  options: Pick<SubscribeItemsOptions, 'filter' | 'fields'>,
): SubscriptionQuery {
  const given: Pick<ItemsQuery, 'filter' | 'fields'> = {
    ...(options.filter !== undefined ? { filter: options.filter } : {}),
    ...(options.fields ? { fields: [...options.fields] } : {}),
  }
  return subscriptionOf(reader ? reader.normalize(given) : given)
}

/**
 * The event number to resume after: the `Last-Event-ID` header EventSource sends on reconnect,
 * else the `lastEventId` query parameter. Undefined for a fresh subscription; NaN when malformed.
 */
export function resumePosition(request: Request, params: URLSearchParams): number | undefined {
  const raw = request.headers.get('last-event-id') ?? params.get(RESUME)
  if (raw === null || raw.trim() === '') return undefined
  return /^\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN
}
