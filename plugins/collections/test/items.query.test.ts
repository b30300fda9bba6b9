// The query language over HTTP on both dialects: fields, filter (JSON and brackets, relational
// paths), search, sort, pagination, meta, aggregate, deep; types; and what bad input gets.
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, codeOf, type ItemsApp, qs, startItemsApp } from './items-helpers/app.js'
import { createBlog, seedBlog } from './items-helpers/blog.js'

type List = { data: Record<string, unknown>[]; meta?: Record<string, number> }

describe.each(dialects.filter((d) => d.available))(
  'items query language on $dialect',
  (dialect) => {
    let t: ItemsApp
    beforeAll(async () => {
      t = await startItemsApp(dialect, { collections: { items: { maxLimit: 50 } } })
      await createBlog(t)
      await seedBlog(t)
    })
    afterAll(() => t?.close())

    const list = async (query: string) => {
      const res = await t.request<List>('GET', `/api/items/articles${query}`, { as: ADMIN })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      return res.body
    }
    const ids = async (query: string) => (await list(query)).data.map((a) => a.id)
    const error = async (path: string) => {
      const res = await t.request('GET', path, { as: ADMIN })
      return { status: res.status, code: codeOf(res.body) }
    }

    it('returns every field with its type, keys of relations, in field order', async () => {
      const { data } = await list('?sort=id')
      expect(data).toHaveLength(4)
      expect(data[0]).toEqual({
        id: 1,
        title: 'Hello World',
        body: 'First post',
        status: 'published',
        views: 10,
        rating: 4.5,
        price: '12.50',
        featured: true,
        published_at: '2024-01-01T10:00:00.000Z',
        day: '2024-01-01',
        extra: { a: 1 },
        owner: 'u-editor',
        secret: 'alpha',
        author: 1,
        tags: [1, 2],
        comments: [1, 2],
      })
      expect(Object.keys(data[0] ?? {})).toEqual([
        'id',
        'title',
        'body',
        'status',
        'views',
        'rating',
        'price',
        'featured',
        'published_at',
        'day',
        'extra',
        'owner',
        'secret',
        'author',
        'tags',
        'comments',
      ])
      expect(data[1]).toMatchObject({
        featured: false,
        extra: [1, 2],
        published_at: null,
        author: 2,
        comments: [],
      })
      expect(data[3]).toMatchObject({ extra: 'text', author: null, tags: [] })
    })

    it('selects fields, dot paths into relations, and *.*', async () => {
      expect((await list('?fields=title,author.name&sort=id&limit=2')).data).toEqual([
        { title: 'Hello World', author: { name: 'Ada' } },
        { title: 'Second', author: { name: 'Grace' } },
      ])
      const nested = await list(
        `?fields[]=id&fields[]=comments.body&fields[]=comments.article.title&fields[]=tags.name&filter[id][_eq]=1`,
      )
      expect(nested.data).toEqual([
        {
          id: 1,
          tags: [{ name: 'tech' }, { name: 'news' }],
          comments: [
            { body: 'Nice', article: { title: 'Hello World' } },
            { body: 'Spam', article: { title: 'Hello World' } },
          ],
        },
      ])
      const all = await list('?fields=*.*&filter[id][_eq]=1')
      expect(all.data[0]).toMatchObject({
        author: { id: 1, name: 'Ada', email: 'ada@example.com', country: 'UK' },
        tags: [
          { id: 1, name: 'tech' },
          { id: 2, name: 'news' },
        ],
        comments: [
          { id: 1, body: 'Nice', approved: true, article: 1 },
          { id: 2, body: 'Spam', approved: false, article: 1 },
        ],
      })
    })

    it('filters in both spellings, through relations, with _some and _none', async () => {
      expect(await ids(qs({ filter: { views: { _gt: 10 } }, sort: 'views' }))).toEqual([4, 3])
      expect(await ids('?filter[views][_gt]=10&sort=views')).toEqual([4, 3])
      expect(await ids('?filter[status][_in]=draft&sort=id')).toEqual([2])
      expect(await ids('?filter[featured][_eq]=true&sort=id')).toEqual([1, 4])
      expect(await ids('?filter[published_at][_gte]=2024-03-01T00:00:00Z&sort=id')).toEqual([3, 4])
      expect(await ids('?filter[author][name][_eq]=Ada&sort=id')).toEqual([1, 3])
      expect(await ids(qs({ filter: { 'author.country': { _eq: 'US' } } }))).toEqual([2])
      expect(
        await ids(qs({ filter: { comments: { _some: { approved: { _eq: true } } } }, sort: 'id' })),
      ).toEqual([1, 3])
      expect(
        await ids(qs({ filter: { comments: { _none: { approved: { _eq: true } } } }, sort: 'id' })),
      ).toEqual([2, 4])
      expect(await ids(qs({ filter: { tags: { name: { _eq: 'tech' } } }, sort: 'id' }))).toEqual([
        1, 3,
      ])
      expect(
        await ids(qs({ filter: { tags: { _none: { name: { _eq: 'tech' } } } }, sort: 'id' })),
      ).toEqual([2, 4])
      expect(
        await ids(
          qs({
            filter: { _or: [{ views: { _lt: 6 } }, { title: { _icontains: 'FOURTH' } }] },
            sort: 'id',
          }),
        ),
      ).toEqual([2, 4])
    })

    it('searches searchable text fields, ASCII case-insensitively', async () => {
      expect(await ids('?search=ZEBRA')).toEqual([3])
      expect(await ids('?search=hello')).toEqual([1])
      expect(await ids('?search=a&sort=id&filter[status][_eq]=draft')).toEqual([2])
      expect(await ids('?search=%25')).toEqual([])
      expect(await ids('?search=$CURRENT_USER')).toEqual([])
    })

    it('sorts by several keys, descending, and through many-to-one relations', async () => {
      expect(await ids('?sort=status,-views')).toEqual([2, 3, 4, 1])
      expect(await ids('?sort=title')).toEqual([1, 2, 3, 4])
      expect(await ids('?sort=author.name,id')).toEqual([1, 3, 2, 4])
      expect(await ids('?sort=-author.name')).toEqual([4, 2, 3, 1])
      expect(await ids('?sort=-rating')).toEqual([3, 1, 2, 4])
      expect(await ids('?sort=rating')).toEqual([4, 2, 1, 3])
    })

    it('pages with limit, offset, page and -1', async () => {
      expect(await ids('?sort=id&limit=2&page=2')).toEqual([3, 4])
      expect(await ids('?sort=id&limit=2&offset=1')).toEqual([2, 3])
      expect(await ids('?sort=id&limit=-1')).toEqual([1, 2, 3, 4])
      expect(await list('?limit=0&meta=total_count')).toEqual({
        data: [],
        meta: { total_count: 4 },
      })
      expect(await error('/api/items/articles?limit=51')).toEqual({
        status: 400,
        code: 'INVALID_QUERY',
      })
    })

    it('counts totals and filtered rows in meta', async () => {
      const res = await list('?filter[status][_eq]=published&meta=*&limit=1')
      expect(res.meta).toEqual({ total_count: 4, filter_count: 3 })
      expect(res.data).toHaveLength(1)
      expect((await list('?meta=filter_count&search=zebra')).meta).toEqual({ filter_count: 1 })
      expect(Object.keys(await list('?limit=1'))).toEqual(['data'])
    })

    it('aggregates, with groupBy', async () => {
      expect((await list('?aggregate[count]=*')).data).toEqual([{ count: 4 }])
      expect(
        (
          await list(
            '?aggregate[sum]=views&aggregate[avg]=views&aggregate[min]=published_at&aggregate[max]=price&aggregate[countDistinct]=author&aggregate[count]=rating',
          )
        ).data,
      ).toEqual([
        {
          sum: { views: 65 },
          avg: { views: 16.25 },
          min: { published_at: '2024-01-01T10:00:00.000Z' },
          max: { price: '12.50' },
          countDistinct: { author: 2 },
          count: { rating: 3 },
        },
      ])
      expect((await list('?aggregate[count]=*&aggregate[sum]=views&groupBy=status')).data).toEqual([
        { status: 'draft', count: 1, sum: { views: 5 } },
        { status: 'published', count: 3, sum: { views: 60 } },
      ])
      expect(
        (
          await list(
            '?aggregate[count]=*&groupBy[]=status&sort=-status&limit=1&filter[views][_gt]=5',
          )
        ).data,
      ).toEqual([{ status: 'published', count: 3 }])
      expect(await error('/api/items/articles?aggregate[sum]=title')).toEqual({
        status: 400,
        code: 'INVALID_QUERY',
      })
      expect(await error('/api/items/articles?aggregate[sum]=nope')).toEqual({
        status: 400,
        code: 'UNKNOWN_FIELD',
      })
    })

    it('applies deep filter, sort and limit per relation', async () => {
      const res = await list(
        '?fields=id,comments.body&filter[id][_eq]=1&deep[comments][_filter][approved][_eq]=true',
      )
      expect(res.data).toEqual([{ id: 1, comments: [{ body: 'Nice' }] }])
      expect(
        (
          await list(
            '?fields=id,comments.id&sort=id&deep[comments][_sort]=-id&deep[comments][_limit]=1',
          )
        ).data,
      ).toEqual([
        { id: 1, comments: [{ id: 2 }] },
        { id: 2, comments: [] },
        { id: 3, comments: [{ id: 3 }] },
        { id: 4, comments: [] },
      ])
      const json = await list(
        qs({
          fields: 'id,tags.name',
          filter: { id: { _eq: 1 } },
          deep: { tags: { _sort: ['-name'], _offset: 1 } },
        }),
      )
      expect(json.data).toEqual([{ id: 1, tags: [{ name: 'news' }] }])
    })

    it('reads one item, with fields and deep', async () => {
      const res = await t.request('GET', '/api/items/articles/1?fields=title,tags.name,author.*', {
        as: ADMIN,
      })
      expect(res).toEqual({
        status: 200,
        body: {
          data: {
            title: 'Hello World',
            author: { id: 1, name: 'Ada', email: 'ada@example.com', country: 'UK' },
            tags: [{ name: 'tech' }, { name: 'news' }],
          },
        },
      })
      expect(await error('/api/items/articles/99')).toEqual({ status: 404, code: 'ITEM_NOT_FOUND' })
      expect(await error('/api/items/articles/abc')).toEqual({ status: 400, code: 'INVALID_ID' })
      expect(await error('/api/items/articles/1?sort=id')).toEqual({
        status: 400,
        code: 'INVALID_QUERY',
      })
    })

    it('answers bad input with 400s and stable codes', async () => {
      const cases: [string, number, string][] = [
        ['?filter={"views":', 400, 'INVALID_FILTER'],
        ['?filter[nope][_eq]=1', 400, 'INVALID_FILTER'],
        ['?filter[views][_eq]=abc', 400, 'INVALID_FILTER'],
        ['?filter[views][_like]=1', 400, 'INVALID_FILTER'],
        ['?filter[comments][_some][nope][_eq]=1', 400, 'INVALID_FILTER'],
        ['?fields=nope', 400, 'UNKNOWN_FIELD'],
        ['?fields=title.name', 400, 'INVALID_QUERY'],
        ['?fields=author.nope', 400, 'UNKNOWN_FIELD'],
        ['?sort=nope', 400, 'UNKNOWN_FIELD'],
        ['?sort=comments.body', 400, 'INVALID_QUERY'],
        ['?deep[nope][_limit]=1', 400, 'UNKNOWN_FIELD'],
        ['?limit=abc', 400, 'INVALID_QUERY'],
        ['?unknown=1', 400, 'INVALID_QUERY'],
      ]
      for (const [query, status, code] of cases) {
        expect(await error(`/api/items/articles${query}`), query).toEqual({ status, code })
      }
      expect(await error('/api/items/nope')).toEqual({ status: 404, code: 'COLLECTION_NOT_FOUND' })
    })
  },
)
