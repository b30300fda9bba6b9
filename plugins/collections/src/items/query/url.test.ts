import { describe, expect, it } from 'vitest'
import { normalizeQuery } from './normalize.js'
import { readQueryString } from './url.js'

const read = (search: string) => normalizeQuery(readQueryString(new URLSearchParams(search)))
const code = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    return (error as { code?: string }).code
  }
  return undefined
}

describe('query strings', () => {
  it('reads the JSON and the bracket spellings alike', () => {
    const json = read('filter={"views":{"_gt":10}}&fields=id,title&sort=-views,title&meta=*')
    const brackets = read(
      'filter[views][_gt]=10&fields[]=id&fields[]=title&sort[]=-views&sort[]=title&meta=*',
    )
    expect(json).toEqual({
      fields: ['id', 'title'],
      filter: { views: { _gt: 10 } },
      sort: ['-views', 'title'],
      meta: ['total_count', 'filter_count'],
      deep: {},
    })
    expect(brackets).toEqual({ ...json, filter: { views: { _gt: '10' } } })
  })

  it('reads deep, aggregate and groupBy in both spellings', () => {
    const brackets = read(
      'deep[comments][_limit]=2&deep[comments][_sort]=-id&deep[comments][author][_filter][name][_eq]=Ada&aggregate[count]=*&aggregate[sum]=views,rating&groupBy[]=status',
    )
    expect(brackets.deep).toEqual({
      comments: {
        limit: 2,
        sort: ['-id'],
        relations: { author: { filter: { name: { _eq: 'Ada' } }, relations: {} } },
      },
    })
    expect(brackets.aggregate).toEqual({ count: ['*'], sum: ['views', 'rating'] })
    expect(brackets.groupBy).toEqual(['status'])
    const json = read(
      `deep=${encodeURIComponent('{"comments":{"_limit":"2"}}')}&aggregate={"count":"*"}`,
    )
    expect(json.deep).toEqual({ comments: { limit: 2, relations: {} } })
    expect(json.aggregate).toEqual({ count: ['*'] })
  })

  it('rejects malformed input with stable codes', () => {
    expect(code(() => read('filter={"views":'))).toBe('INVALID_FILTER')
    expect(code(() => read('filter=[1]'))).toBe('INVALID_FILTER')
    expect(code(() => read('limit=ten'))).toBe('INVALID_QUERY')
    expect(code(() => read('limit=-2'))).toBe('INVALID_QUERY')
    expect(code(() => read('limit=1&limit=2'))).toBe('INVALID_QUERY')
    expect(code(() => read('page=0'))).toBe('INVALID_QUERY')
    expect(code(() => read('page=2&offset=1'))).toBe('INVALID_QUERY')
    expect(code(() => read('colour=red'))).toBe('INVALID_QUERY')
    expect(code(() => read('meta=everything'))).toBe('INVALID_QUERY')
    expect(code(() => read('aggregate[median]=views'))).toBe('INVALID_QUERY')
    expect(code(() => read('groupBy=status'))).toBe('INVALID_QUERY')
    expect(code(() => read('deep[comments][_top]=1'))).toBe('INVALID_QUERY')
    expect(code(() => read('filter[a]=1&filter[a][_eq]=2'))).toBe('INVALID_QUERY')
    expect(code(() => read('filter[__proto__][x]=1'))).toBe('INVALID_QUERY')
    expect(code(() => read('filter[a]x=1'))).toBe('INVALID_QUERY')
  })

  it('keeps prototype keys inert', () => {
    const raw = readQueryString(new URLSearchParams('filter[toString][_eq]=1'))
    expect(Object.getPrototypeOf(raw)).toBe(null)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
