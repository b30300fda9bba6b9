// The subscription query: both filter spellings, field lists, refusals, and the resume position.
import { describe, expect, it } from 'vitest'
import { readSubscriptionQuery, resumePosition } from './query.js'

const read = (query: string) => readSubscriptionQuery(new URLSearchParams(query))

describe('readSubscriptionQuery', () => {
  it('reads JSON and bracket filters alike', () => {
    expect(read('filter={"status":{"_eq":"published"}}')).toEqual({
      filter: '{"status":{"_eq":"published"}}',
    })
    expect(read('filter[status][_eq]=published&filter[views][_gt]=10')).toEqual({
      filter: { status: { _eq: 'published' }, views: { _gt: '10' } },
    })
    expect(
      read('filter[_or][0][a][_eq]=1&filter[_or][1][b][_in][]=x&filter[_or][1][b][_in][]=y'),
    ).toEqual({
      filter: { _or: [{ a: { _eq: '1' } }, { b: { _in: ['x', 'y'] } }] },
    })
  })

  it('reads fields as a list, repeated, bracketed or JSON; `*` means all', () => {
    expect(read('fields=id,title')).toEqual({ fields: ['id', 'title'] })
    expect(read('fields[]=id&fields[]=title&fields=id')).toEqual({ fields: ['id', 'title'] })
    expect(read('fields=["id"]')).toEqual({ fields: ['id'] })
    expect(read('fields=*')).toEqual({})
    expect(read('')).toEqual({})
  })

  it('refuses what it cannot read, naming the parameter', () => {
    const code = (query: string) => {
      try {
        read(query)
        return 'ok'
      } catch (error) {
        return [
          (error as { code: string }).code,
          (error as { details: { parameter: string } }).details.parameter,
        ]
      }
    }
    expect(code('sort=id')).toEqual(['REALTIME_INVALID_QUERY', 'sort'])
    expect(code('filter=a&filter=b')).toEqual(['REALTIME_INVALID_QUERY', 'filter'])
    expect(code('filter={}&filter[a]=1')).toEqual(['REALTIME_INVALID_QUERY', 'filter'])
    expect(code('filter[a]x=1')).toEqual(['REALTIME_INVALID_QUERY', 'filter[a]x'])
    expect(code('filter[__proto__][x]=1')).toEqual([
      'REALTIME_INVALID_QUERY',
      'filter[__proto__][x]',
    ])
    expect(code('filter[a]=1&filter[a][b]=2')).toEqual(['REALTIME_INVALID_QUERY', 'filter[a][b]'])
    expect(code('fields=[1]')).toEqual(['REALTIME_INVALID_QUERY', 'fields'])
    expect(code('fields=[')).toEqual(['REALTIME_INVALID_QUERY', 'fields'])
    expect(code(Array.from({ length: 201 }, (_, i) => `filter[f${i}]=1`).join('&'))).toEqual([
      'REALTIME_INVALID_QUERY',
      '',
    ])
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
