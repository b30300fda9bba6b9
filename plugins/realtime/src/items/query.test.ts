// The subscription query: read by collections' items query reader (both spellings, numbered
// lists, `null`, its limits and INVALID_QUERY), `*` and realtime's own `lastEventId`; and the
// resume position.
import { ITEMS_QUERY_LIMITS, itemsQueryReader } from '@backlex/collections'
import { describe, expect, it } from 'vitest'
import { readSubscriptionQuery, resumePosition, subscriptionQueryOf } from './query.js'

const read = (query: string) =>
  readSubscriptionQuery(itemsQueryReader, 'items:posts', new URLSearchParams(query))

const failure = (fn: () => unknown) => {
  try {
    fn()
    return 'ok'
  } catch (error) {
    const { code, details } = error as { code: string; details?: { path?: string } }
    return [code, details?.path]
  }
}

describe('readSubscriptionQuery', () => {
  it('reads JSON and bracket filters as the items API does', () => {
    expect(read('filter={"status":{"_eq":"published"}}')).toEqual({
      filter: { status: { _eq: 'published' } },
    })
    expect(read('filter[status][_eq]=published&filter[views][_gt]=10')).toEqual({
      filter: { status: { _eq: 'published' }, views: { _gt: '10' } },
    })
    expect(
      read('filter[_or][0][a][_eq]=1&filter[_or][1][b][_in][]=x&filter[_or][1][b][_in][]=y'),
    ).toEqual({
      filter: { _or: [{ a: { _eq: '1' } }, { b: { _in: ['x', 'y'] } }] },
    })
    expect(read('filter[_or][1][views][_gt]=995&filter[_or][0][views][_lt]=5')).toEqual({
      filter: { _or: [{ views: { _lt: '5' } }, { views: { _gt: '995' } }] },
    })
    expect(read('filter[category][_eq]=null')).toEqual({ filter: { category: { _eq: null } } })
    expect(read(`filter=${encodeURIComponent('{"category":{"_eq":"null"}}')}`)).toEqual({
      filter: { category: { _eq: 'null' } },
    })
  })

  it('reads fields as a list, repeated, bracketed or JSON; `*` means all', () => {
    expect(read('fields=id,title')).toEqual({ fields: ['id', 'title'] })
    expect(read('fields[]=id&fields[]=title&fields=id')).toEqual({ fields: ['id', 'title'] })
    expect(read('fields[1]=title&fields[0]=id')).toEqual({ fields: ['id', 'title'] })
    expect(read('fields=["id"]')).toEqual({ fields: ['id'] })
    expect(read('fields=*')).toEqual({})
    expect(read('')).toEqual({})
    expect(read('lastEventId=7&fields=id')).toEqual({ fields: ['id'] })
  })

  it('refuses what the items API refuses, with its code and the parameter path', () => {
    expect(failure(() => read('sort=id'))).toEqual(['INVALID_QUERY', 'sort'])
    expect(failure(() => read('limit=1'))).toEqual(['INVALID_QUERY', 'limit'])
    expect(failure(() => read('filter=a&filter=b'))).toEqual(['INVALID_QUERY', 'filter'])
    expect(failure(() => read('filter={}&filter[a]=1'))).toEqual(['INVALID_QUERY', 'filter[a]'])
    expect(failure(() => read('filter[a]x=1'))).toEqual(['INVALID_QUERY', 'filter[a]x'])
    expect(failure(() => read('filter[__proto__][x]=1'))).toEqual([
      'INVALID_QUERY',
      'filter[__proto__][x]',
    ])
    expect(failure(() => read('filter[a]=1&filter[a][b]=2'))).toEqual([
      'INVALID_QUERY',
      'filter[a][b]',
    ])
    expect(failure(() => read('fields=[1]'))).toEqual(['INVALID_QUERY', 'fields.0'])
    expect(failure(() => read('fields=['))).toEqual(['INVALID_QUERY', 'fields'])
    expect(failure(() => read('filter={"a":'))).toEqual(['INVALID_FILTER', 'filter'])
  })

  it('keeps the items API limits, lastEventId counted', () => {
    const { maxParameters, maxListEntries } = ITEMS_QUERY_LIMITS
    const params = (n: number) => Array.from({ length: n }, (_, i) => `filter[f${i}][_eq]=1`)
    expect(read(params(maxParameters).join('&')).filter).toBeDefined()
    expect(failure(() => read(params(maxParameters + 1).join('&')))).toEqual(['INVALID_QUERY', ''])
    expect(failure(() => read([...params(maxParameters), 'lastEventId=1'].join('&')))).toEqual([
      'INVALID_QUERY',
      '',
    ])
    const fields = Array.from({ length: maxListEntries + 1 }, (_, i) => `f${i}`).join(',')
    expect(failure(() => read(`fields=${fields}`))).toEqual(['INVALID_QUERY', 'fields'])
  })

  it('reads nothing but lastEventId without a reader (collections not installed)', () => {
    const bare = (query: string) =>
      readSubscriptionQuery(undefined, 'items:posts', new URLSearchParams(query))
    expect(bare('lastEventId=3')).toEqual({})
    expect(failure(() => bare('fields=id'))).toEqual(['REALTIME_CHANNEL_UNAVAILABLE', undefined])
  })
})

describe('subscriptionQueryOf', () => {
  it('checks an in-process query with the same reader', () => {
    expect(subscriptionQueryOf(itemsQueryReader, { fields: ['id', 'id', 'title'] })).toEqual({
      fields: ['id', 'title'],
    })
    expect(
      subscriptionQueryOf(itemsQueryReader, { filter: { category: { _eq: 'null' } } }),
    ).toEqual({ filter: { category: { _eq: 'null' } } })
    const many = Array.from({ length: ITEMS_QUERY_LIMITS.maxListEntries + 1 }, (_, i) => `f${i}`)
    expect(failure(() => subscriptionQueryOf(itemsQueryReader, { fields: many }))).toEqual([
      'INVALID_QUERY',
      'fields',
    ])
    expect(subscriptionQueryOf(undefined, { fields: ['id', 'id'] })).toEqual({ fields: ['id'] })
  })
})

describe('resumePosition', () => {
  const at = (headers: Record<string, string>, query = '') =>
    resumePosition(new Request('http://x/', { headers }), new URLSearchParams(query))

  it('prefers the Last-Event-ID header, then the lastEventId parameter', () => {
    expect(at({})).toBeUndefined()
    expect(at({ 'last-event-id': '42' }, 'lastEventId=7')).toBe(42)
    expect(at({}, 'lastEventId=7')).toBe(7)
    expect(at({ 'last-event-id': ' ' })).toBeUndefined()
  })

  it('gives NaN for anything but a number, so the stream resets', () => {
    expect(at({ 'last-event-id': 'abc' })).toBeNaN()
    expect(at({ 'last-event-id': '-1' })).toBeNaN()
    expect(at({ 'last-event-id': '1e3' })).toBeNaN()
  })
})
