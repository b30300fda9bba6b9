// The security suite, on both dialects: a role with a row filter, a role with field limits, a
// caller whose fields depend on which role lets a row through, and anonymous callers, across
// list, one item, search, meta counts, aggregates, sort, filters and relational expansion; write
// permissions; and injection-shaped strings in values, field names and sort keys.
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, codeOf, type ItemsApp, qs, startItemsApp } from './items-helpers/app.js'
import { createBlog, seedBlog } from './items-helpers/blog.js'

type List = { data: Record<string, unknown>[]; meta?: Record<string, number> }

const READER = { id: 'u-reader', roles: ['reader'] }
const LIMITED = { id: 'u-limited', roles: ['limited'] }
const OWNER = { id: 'u-editor', roles: ['owner'] }
const EDITOR = { id: 'u-editor', roles: ['editor'] }
const ANONYMOUS = undefined

describe.each(dialects.filter((d) => d.available))('items security on $dialect', (dialect) => {
  let t: ItemsApp
  beforeAll(async () => {
    t = await startItemsApp(dialect)
    await createBlog(t)
    await seedBlog(t)
    const published = { status: { _eq: 'published' } }
    // reader: published articles only; authors outside the UK; approved comments; no tags.
    await t.permit({ role: 'reader', collection: 'articles', action: 'read', filter: published })
    await t.permit({
      role: 'reader',
      collection: 'authors',
      action: 'read',
      filter: { country: { _neq: 'UK' } },
    })
    await t.permit({
      role: 'reader',
      collection: 'comments',
      action: 'read',
      filter: { approved: { _eq: true } },
    })
    // limited: every article, a few fields; authors' names only.
    await t.permit({
      role: 'limited',
      collection: 'articles',
      action: 'read',
      fields: ['title', 'status', 'views', 'author'],
    })
    await t.permit({ role: 'limited', collection: 'authors', action: 'read', fields: ['name'] })
    // owner: every field of their own articles (public adds id and title of published ones).
    await t.permit({
      role: 'owner',
      collection: 'articles',
      action: 'read',
      filter: { owner: { _eq: '$CURRENT_USER' } },
    })
    // anonymous: ids and titles of published articles.
    await t.permit({
      role: 'public',
      collection: 'articles',
      action: 'read',
      filter: published,
      fields: ['title'],
    })
    // editor: reads everything, creates with presets, changes and deletes only their own.
    await t.permit({ role: 'editor', collection: 'articles', action: 'read' })
    await t.permit({
      role: 'editor',
      collection: 'articles',
      action: 'create',
      fields: ['title', 'body', 'views'],
      presets: { owner: '$CURRENT_USER', status: 'draft' },
      validation: { views: { _lte: 100 } },
    })
    await t.permit({
      role: 'editor',
      collection: 'articles',
      action: 'update',
      filter: { owner: { _eq: '$CURRENT_USER' } },
      fields: ['title', 'views'],
      validation: { views: { _lt: 1000 } },
    })
    await t.permit({
      role: 'editor',
      collection: 'articles',
      action: 'delete',
      filter: { owner: { _eq: '$CURRENT_USER' } },
    })
  })
  afterAll(() => t?.close())

  const get = async (path: string, as?: object) => {
    const res = await t.request<List>('GET', path, as ? { as } : {})
    return { status: res.status, code: codeOf(res.body), body: res.body }
  }
  const ids = async (query: string, as?: object) => {
    const res = await get(`/api/items/articles${query}`, as)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body.data.map((r) => r.id)
  }
  const denied = async (path: string, as: object | undefined, status: number, code: string) => {
    const res = await get(path, as)
    expect({ status: res.status, code: res.code }, path).toEqual({ status, code })
  }

  describe('a role with a row filter', () => {
    it('lists, reads, searches and counts only rows it may see', async () => {
      expect(await ids('?sort=id', READER)).toEqual([1, 3, 4])
      expect((await get('/api/items/articles/1', READER)).status).toBe(200)
      const hidden = await get('/api/items/articles/2', READER)
      const missing = await get('/api/items/articles/99', READER)
      expect(hidden.status).toBe(404)
      expect(hidden.body).toEqual({
        ...missing.body,
        errors: [
          {
            ...(missing.body as never as { errors: object[] }).errors[0],
            message: expect.any(String),
            extensions: { code: 'ITEM_NOT_FOUND', collection: 'articles', key: '2' },
          },
        ],
      })
      expect(await ids('?search=More', READER)).toEqual([])
      expect(await ids('?filter[views][_lt]=6', READER)).toEqual([])
      expect(
        (await get('/api/items/articles?meta=*&filter[views][_gte]=10', READER)).body.meta,
      ).toEqual({ total_count: 3, filter_count: 3 })
      expect(
        (
          await get(
            '/api/items/articles?aggregate[count]=*&aggregate[sum]=views&aggregate[min]=views',
            READER,
          )
        ).body.data,
      ).toEqual([{ count: 3, sum: { views: 60 }, min: { views: 10 } }])
      const grouped = await get('/api/items/articles?aggregate[count]=*&groupBy=status', READER)
      expect(grouped.body.data, JSON.stringify(t.logs.filter((l) => l.level === 'error'))).toEqual([
        { status: 'published', count: 3 },
      ])
    })

    it('expands and filters relations only through rows it may read', async () => {
      const { body } = await get(
        '/api/items/articles?fields=id,author.name,comments.body&sort=id',
        READER,
      )
      expect(body.data).toEqual([
        { id: 1, author: null, comments: [{ body: 'Nice' }] },
        { id: 3, author: null, comments: [{ body: 'Good' }] },
        { id: 4, author: null, comments: [] },
      ])
      expect(await ids(qs({ filter: { author: { name: { _eq: 'Ada' } } } }), READER)).toEqual([])
      expect(
        await ids(qs({ filter: { comments: { _some: { body: { _eq: 'Spam' } } } } }), READER),
      ).toEqual([])
      expect(
        await ids(
          qs({ filter: { comments: { _none: { body: { _eq: 'Spam' } } } }, sort: 'id' }),
          READER,
        ),
      ).toEqual([1, 3, 4])
      expect(await ids('?sort=author.name,-id', READER)).toEqual([4, 3, 1])
      expect(
        (await get('/api/items/articles?fields=*&sort=id&limit=1', READER)).body.data[0],
      ).not.toHaveProperty('tags')
      expect(
        (await get('/api/items/articles?fields=*.*&sort=id&limit=1', READER)).body.data[0],
      ).not.toHaveProperty('tags')
      await denied('/api/items/articles?fields=tags.name', READER, 403, 'FIELD_FORBIDDEN')
      await denied(
        `/api/items/articles${qs({ filter: { tags: { name: { _eq: 'tech' } } } })}`,
        READER,
        403,
        'FIELD_FORBIDDEN',
      )
      await denied('/api/items/tags', READER, 403, 'FORBIDDEN')
      await denied('/api/items/nope', READER, 403, 'FORBIDDEN')
    })
  })

  describe('a role with field limits', () => {
    it('never returns, filters, sorts, searches or aggregates hidden fields', async () => {
      const { body } = await get('/api/items/articles?sort=id&limit=1', LIMITED)
      expect(body.data).toEqual([
        { id: 1, title: 'Hello World', status: 'published', views: 10, author: 1 },
      ])
      expect(
        (await get('/api/items/articles?fields=*.*&sort=id&limit=1', LIMITED)).body.data,
      ).toEqual([
        {
          id: 1,
          title: 'Hello World',
          status: 'published',
          views: 10,
          author: { id: 1, name: 'Ada' },
        },
      ])
      expect(await ids('?search=alpha', LIMITED)).toEqual([])
      expect(await ids('?search=hello', LIMITED)).toEqual([1])
      for (const query of [
        '?fields=secret',
        '?fields=author.email',
        '?sort=secret',
        '?sort=-author.email',
        '?filter[secret][_eq]=alpha',
        '?filter[author][email][_eq]=ada@example.com',
        '?aggregate[sum]=rating',
        '?aggregate[count]=secret',
        '?aggregate[count]=*&groupBy=owner',
        '?fields=id,comments.body',
      ]) {
        await denied(`/api/items/articles${query}`, LIMITED, 403, 'FIELD_FORBIDDEN')
      }
      await denied('/api/items/articles/1?fields=secret', LIMITED, 403, 'FIELD_FORBIDDEN')
    })
  })

  describe('fields that depend on which role lets a row through', () => {
    it('shows a field only on rows a role granting it covers, everywhere', async () => {
      const { body } = await get('/api/items/articles?fields=id,title,secret&sort=id', OWNER)
      expect(body.data).toEqual([
        { id: 1, title: 'Hello World', secret: 'alpha' },
        { id: 2, title: 'Second', secret: 'beta' },
        { id: 3, title: 'Third', secret: null },
        { id: 4, title: 'fourth', secret: null },
      ])
      expect(await ids('?search=gamma', OWNER)).toEqual([])
      expect(await ids('?search=beta', OWNER)).toEqual([2])
      expect(await ids('?filter[secret][_nnull]=true&sort=id', OWNER)).toEqual([1, 2])
      expect(await ids('?sort=-secret,id', OWNER)).toEqual([3, 4, 2, 1])
      expect(
        (await get('/api/items/articles?aggregate[count]=secret&aggregate[max]=secret', OWNER)).body
          .data,
      ).toEqual([{ count: { secret: 2 }, max: { secret: 'beta' } }])
      expect((await get('/api/items/articles/3?fields=*', OWNER)).body).toMatchObject({
        data: { id: 3, title: 'Third', secret: null, owner: null, views: null },
      })
    })
  })

  describe('an anonymous caller', () => {
    it('sees only the public rule', async () => {
      expect((await get('/api/items/articles?sort=id')).body.data).toEqual([
        { id: 1, title: 'Hello World' },
        { id: 3, title: 'Third' },
        { id: 4, title: 'fourth' },
      ])
      expect((await get('/api/items/articles?meta=total_count&limit=0')).body.meta).toEqual({
        total_count: 3,
      })
      expect((await get('/api/items/articles?aggregate[count]=*')).body.data).toEqual([
        { count: 3 },
      ])
      expect(await ids('?search=zebra', ANONYMOUS)).toEqual([])
      await denied('/api/items/articles/2', ANONYMOUS, 404, 'ITEM_NOT_FOUND')
      await denied('/api/items/articles?fields=views', ANONYMOUS, 403, 'FIELD_FORBIDDEN')
      await denied('/api/items/articles?sort=views', ANONYMOUS, 403, 'FIELD_FORBIDDEN')
      await denied('/api/items/articles?aggregate[sum]=views', ANONYMOUS, 403, 'FIELD_FORBIDDEN')
      await denied('/api/items/articles?fields=author.name', ANONYMOUS, 403, 'FIELD_FORBIDDEN')
      await denied('/api/items/authors', ANONYMOUS, 403, 'FORBIDDEN')
      await denied('/api/items/nope', ANONYMOUS, 403, 'FORBIDDEN')
      await denied('/api/revisions/articles/2', ANONYMOUS, 404, 'ITEM_NOT_FOUND')
      await denied('/api/activity', ANONYMOUS, 401, 'UNAUTHORIZED')
      const write = await t.request('POST', '/api/items/articles', { body: { title: 'x' } })
      expect({ status: write.status, code: codeOf(write.body) }).toEqual({
        status: 403,
        code: 'FORBIDDEN',
      })
    })
  })

  describe('write permissions', () => {
    it('applies presets, writable fields, row filters and validation', async () => {
      const created = await t.request<{ data: Record<string, unknown> }>(
        'POST',
        '/api/items/articles?fields=title,owner,status',
        { as: EDITOR, body: { title: 'Mine', body: 'text' } },
      )
      expect(created).toEqual({
        status: 201,
        body: { data: { title: 'Mine', owner: 'u-editor', status: 'draft' } },
      })
      const write = async (method: string, path: string, body?: unknown) => {
        const res = await t.request(method, path, {
          as: EDITOR,
          ...(body === undefined ? {} : { body }),
        })
        return { status: res.status, code: codeOf(res.body) }
      }
      expect(await write('POST', '/api/items/articles', { title: 'x', secret: 's' })).toEqual({
        status: 403,
        code: 'FIELD_FORBIDDEN',
      })
      expect(await write('POST', '/api/items/articles', { title: 'x', owner: 'u-other' })).toEqual({
        status: 403,
        code: 'FIELD_FORBIDDEN',
      })
      expect(await write('POST', '/api/items/articles', { title: 'x', views: 500 })).toEqual({
        status: 400,
        code: 'ITEM_VALIDATION_FAILED',
      })
      expect(await write('PATCH', '/api/items/articles/1', { title: 'Renamed' })).toEqual({
        status: 200,
        code: undefined,
      })
      expect(await write('PATCH', '/api/items/articles/3', { title: 'Not mine' })).toEqual({
        status: 403,
        code: 'FORBIDDEN',
      })
      expect(await write('PATCH', '/api/items/articles/99', { title: 'Nothing' })).toEqual({
        status: 404,
        code: 'ITEM_NOT_FOUND',
      })
      expect(await write('PATCH', '/api/items/articles/1', { status: 'draft' })).toEqual({
        status: 403,
        code: 'FIELD_FORBIDDEN',
      })
      expect(await write('PATCH', '/api/items/articles/1', { views: 5000 })).toEqual({
        status: 400,
        code: 'ITEM_VALIDATION_FAILED',
      })
      expect(
        await write('PATCH', '/api/items/articles', { keys: [1, 3], data: { views: 1 } }),
      ).toEqual({ status: 403, code: 'FORBIDDEN' })
      const byQuery = await t.request<{ data: Record<string, unknown>[] }>(
        'PATCH',
        '/api/items/articles?fields=id,views',
        { as: EDITOR, body: { query: { filter: { views: { _gte: 0 } } }, data: { views: 7 } } },
      )
      expect(byQuery.body.data.map((r) => r.id)).toEqual([1, 2, 5])
      expect(await write('DELETE', '/api/items/articles/3')).toEqual({
        status: 403,
        code: 'FORBIDDEN',
      })
      expect(await write('DELETE', '/api/items/articles/5')).toEqual({
        status: 204,
        code: undefined,
      })
      const rows = await t.sql<{ id: unknown; title: string; views: unknown }>(
        'select id, title, views from c_main_articles order by id',
      )
      expect(rows.map((r) => [Number(r.id), r.title, Number(r.views)])).toEqual([
        [1, 'Renamed', 7],
        [2, 'Second', 7],
        [3, 'Third', 30],
        [4, 'fourth', 20],
      ])
      await t.sql(`update c_main_articles set title = 'Hello World', views = 10 where id = 1`)
      await t.sql(`update c_main_articles set views = 5 where id = 2`)
    })
  })

  describe('injection-shaped input', () => {
    it('treats values as values and refuses names that are not fields', async () => {
      const evil = `' or 1=1; drop table c_main_articles; --`
      expect(await ids(qs({ filter: { title: { _eq: evil } } }), ADMIN)).toEqual([])
      expect(await ids(`?filter[title][_eq]=${encodeURIComponent(evil)}`, ADMIN)).toEqual([])
      expect(await ids(`?search=${encodeURIComponent(evil)}`, ADMIN)).toEqual([])
      expect(await ids(`?search=${encodeURIComponent('%')}`, READER)).toEqual([])
      expect(await ids(qs({ filter: { title: { _in: [evil, 'Third'] } } }), ADMIN)).toEqual([3])
      const stored = await t.request<{ data: Record<string, unknown> }>(
        'POST',
        '/api/items/tags?fields=name',
        { as: ADMIN, body: { name: `Robert'); drop table c_main_tags; --` } },
      )
      expect(stored.body.data).toEqual({ name: `Robert'); drop table c_main_tags; --` })
      const names: [string, number, string][] = [
        [`?fields=${encodeURIComponent('title;drop table x')}`, 400, 'UNKNOWN_FIELD'],
        [`?fields=${encodeURIComponent('"title"')}`, 400, 'UNKNOWN_FIELD'],
        [`?sort=${encodeURIComponent('id;drop table c_main_articles')}`, 400, 'UNKNOWN_FIELD'],
        [`?sort=${encodeURIComponent('-"views" desc, (select 1)')}`, 400, 'UNKNOWN_FIELD'],
        [`?sort=${encodeURIComponent('author.name) --')}`, 400, 'UNKNOWN_FIELD'],
        [qs({ filter: { 'title" or "1"="1': { _eq: 'x' } } }), 400, 'INVALID_FILTER'],
        [qs({ filter: { title: { '_eq) or (1=1': 'x' } } }), 400, 'INVALID_FILTER'],
        [
          `?aggregate[count]=${encodeURIComponent('*) from c_main_articles; --')}`,
          400,
          'UNKNOWN_FIELD',
        ],
        [`?aggregate[count]=*&groupBy=${encodeURIComponent('status; drop')}`, 400, 'UNKNOWN_FIELD'],
        [`?deep[${encodeURIComponent('comments;drop')}][_limit]=1`, 400, 'UNKNOWN_FIELD'],
      ]
      for (const [query, status, code] of names)
        await denied(`/api/items/articles${query}`, ADMIN, status, code)
      await denied(
        `/api/items/${encodeURIComponent('articles;drop table x')}`,
        ADMIN,
        404,
        'COLLECTION_NOT_FOUND',
      )
      await denied(
        `/api/items/articles/${encodeURIComponent('1 or 1=1')}`,
        ADMIN,
        400,
        'INVALID_ID',
      )
      const rows = await t.sql<{ n: unknown }>('select count(*) as n from c_main_articles')
      expect(Number(rows[0]?.n)).toBe(4)
    })
  })
})
