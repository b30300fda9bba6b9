// The one reader of the items query language (`items.query`): REST routes, the items tools,
// realtime subscriptions and GraphQL arguments all read queries through it, with one set of limits.
import type { ItemsQueryReader, ReadSearchParamsOptions } from '../../contract.js'
import { ItemsErrors } from '../errors.js'
import { normalizeQuery } from './normalize.js'
import type { ItemsQuery } from './types.js'
import { readQueryString } from './url.js'

function fromSearchParams(
  params: URLSearchParams | string,
  options: ReadSearchParamsOptions = {},
): ItemsQuery {
  const search = typeof params === 'string' ? new URLSearchParams(params) : params
  const ignore = options.ignore?.length ? new Set(options.ignore) : undefined
  const raw = readQueryString(search, ignore)
  const { only } = options
  if (only) {
    // A handful of names: a list scan, nothing allocated on a read by key.
    for (const key of Object.keys(raw)) {
      if (!only.includes(key)) {
        throw ItemsErrors.INVALID_QUERY(
          key,
          `not accepted here; use ${only.join(', ') || 'no parameters'}`,
        )
      }
    }
  }
  return normalizeQuery(raw, { url: true })
}

/**
 * The items query reader the Items service offers as `items.query`.
 * @example
 * itemsQueryReader.fromSearchParams('filter[_or][0][views][_lt]=5&fields=id,title')
 * // { filter: { _or: [{ views: { _lt: '5' } }] }, fields: ['id', 'title'], meta: [], deep: {} }
 */
export const itemsQueryReader: ItemsQueryReader = {
  fromSearchParams,
  normalize: (raw) => normalizeQuery(raw),
}
