import { parseFilter } from '@backlex/permissions'
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
    // groupBy alone answers the distinct groups (as Directus does).
    expect(read('groupBy=year(published_at)').groupBy).toEqual(['year(published_at)'])
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

describe('bracket lists with positions, as qs reads them', () => {
  const raw = (search: string) => readQueryString(new URLSearchParams(search))
  const url = (search: string) => normalizeQuery(raw(search), { url: true })

  it('reads numbered items as list positions, in position order, gaps closed', () => {
    expect(raw('filter[_or][0][views][_lt]=5&filter[_or][1][views][_gt]=995').filter).toEqual({
      _or: [{ views: { _lt: '5' } }, { views: { _gt: '995' } }],
    })
    expect(raw('filter[id][_in][0]=1&filter[id][_in][1]=2').filter).toEqual({
      id: { _in: ['1', '2'] },
    })
    expect(raw('a[2]=c&a[0]=a&a[1]=b').a).toEqual(['a', 'b', 'c'])
    expect(raw('a[7]=b&a[3]=a').a).toEqual(['a', 'b'])
    expect(raw('a[10]=b&a[9]=a').a).toEqual(['a', 'b'])
    // A huge position is only an order: nothing of its size is allocated.
    expect(raw('a[99999999]=b&a[5]=a').a).toEqual(['a', 'b'])
    expect(raw('a[123456789012345678901234567890]=b&a[99999999999999999999]=a').a).toEqual([
      'a',
      'b',
    ])
  })

  it('reads positions in every list parameter', () => {
    const query = url(
      'fields[0]=id&fields[1]=title&sort[1]=title&sort[0]=-views&groupBy[0]=status&aggregate[sum][0]=views&deep[comments][_sort][0]=-id&filter[views][_between][0]=1&filter[views][_between][1]=9',
    )
    expect(query.fields).toEqual(['id', 'title'])
    expect(query.sort).toEqual(['-views', 'title'])
    expect(query.groupBy).toEqual(['status'])
    expect(query.aggregate).toEqual({ sum: ['views'] })
    expect(query.deep).toEqual({ comments: { sort: ['-id'], relations: {} } })
    expect(query.filter).toEqual({ views: { _between: ['1', '9'] } })
  })

  it('mixes positions and appends: numbered items first, then appended ones', () => {
    expect(raw('a[]=c&a[1]=b&a[0]=a').a).toEqual(['a', 'b', 'c'])
    expect(raw('a=x&a[]=y').a).toEqual(['x', 'y'])
    expect(raw('fields=id&fields=title').fields).toEqual(['id', 'title'])
  })

  it('refuses mixtures it cannot read with stable codes', () => {
    // Positions and names: an object, which the filter parser's _or refuses.
    const mixed = url('filter[_or][0][a][_eq]=1&filter[_or][x][a][_eq]=2').filter
    expect(mixed).toEqual({ _or: { '0': { a: { _eq: '1' } }, x: { a: { _eq: '2' } } } })
    expect(code(() => parseFilter(mixed))).toBe('INVALID_FILTER')
    expect(code(() => raw('a[]=1&a[b]=2'))).toBe('INVALID_QUERY')
    expect(code(() => raw('a[b]=2&a=1'))).toBe('INVALID_QUERY')
    expect(code(() => raw('a[0]=1&a[0]=2'))).toBe('INVALID_QUERY')
    expect(code(() => raw('filter[_or][][a][_eq]=1'))).toBe('INVALID_QUERY')
    expect(code(() => raw('a[0][__proto__]=1'))).toBe('INVALID_QUERY')
    // Leading zeros are names, not positions (as in qs).
    expect(raw('a[01]=x').a).toEqual({ '01': 'x' })
  })

  it('keeps the parameter limit', () => {
    const many = Array.from({ length: 501 }, (_, i) => `fields[${i}]=f${i}`).join('&')
    expect(code(() => raw(many))).toBe('INVALID_QUERY')
    const enough = Array.from({ length: 500 }, (_, i) => `fields[${i}]=f${i}`).join('&')
    expect(raw(enough).fields).toHaveLength(500)
  })
})

describe('null in bracket filters', () => {
  const url = (search: string) =>
    normalizeQuery(readQueryString(new URLSearchParams(search)), { url: true })

  it('reads null and NULL as NULL, in lists too, in filter and deep', () => {
    expect(url('filter[category][_eq]=null').filter).toEqual({ category: { _eq: null } })
    expect(url('filter[category][_neq]=NULL').filter).toEqual({ category: { _neq: null } })
    expect(url('filter[category][_in]=a,null').filter).toEqual({ category: { _in: ['a', null] } })
    expect(url('filter[category][_nin][0]=null').filter).toEqual({ category: { _nin: [null] } })
    expect(url('filter[category][_in]=null').filter).toEqual({ category: { _in: [null] } })
    expect(url('deep[comments][_filter][body][_eq]=null').deep).toEqual({
      comments: { filter: { body: { _eq: null } }, relations: {} },
    })
  })

  it('keeps "null" as text in the JSON spelling and outside URLs', () => {
    expect(url('filter={"category":{"_eq":"null"}}').filter).toEqual({
      category: { _eq: 'null' },
    })
    expect(normalizeQuery({ filter: { category: { _eq: 'null' } } }).filter).toEqual({
      category: { _eq: 'null' },
    })
    expect(url('filter[title][_contains]=nullable').filter).toEqual({
      title: { _contains: 'nullable' },
    })
  })
})
