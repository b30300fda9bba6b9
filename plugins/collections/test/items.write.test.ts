// Writes over HTTP on both dialects: create (one or a batch), update (one, by keys, by query),
// delete; type checks, atomic batches, constraint errors, hooks and events, audit rows.
import { BacklexError, definePlugin } from '@backlex/kernel'
import { dialects } from '@backlex/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  type ItemsChangedEvent,
  ItemsCreate,
  ItemsCreated,
  ItemsDeleted,
  ItemsUpdated,
} from '../src/contract.js'
import { ADMIN, codeOf, type ItemsApp, startItemsApp } from './items-helpers/app.js'
import { createBlog, seedBlog } from './items-helpers/blog.js'

type One = { data: Record<string, unknown> }
type Many = { data: Record<string, unknown>[] }

const seen: { event: string; payload: ItemsChangedEvent }[] = []
const hooks = definePlugin({
  name: '@backlex/test-hooks',
  version: '0.0.0',
  register(ctx) {
    ctx.on.filter(ItemsCreate, (payload) => {
      if (payload.items.some((i) => i.title === 'reject me')) {
        throw new BacklexError('TEST_REJECTED', 422, 'Rejected by a hook.')
      }
      return {
        ...payload,
        items: payload.items.map((i) => (i.title === 'shout' ? { ...i, title: 'SHOUT' } : i)),
      }
    })
    for (const event of [ItemsCreated, ItemsUpdated, ItemsDeleted]) {
      ctx.on.action(event, (payload) => {
        seen.push({ event: event.name, payload })
      })
    }
  },
})

describe.each(dialects.filter((d) => d.available))('items writes on $dialect', (dialect) => {
  let t: ItemsApp
  beforeEach(async () => {
    seen.length = 0
    t = await startItemsApp(dialect, {
      collections: { items: { maxBatchSize: 3 } },
      extra: [hooks()],
    })
    await createBlog(t)
    await seedBlog(t)
  })
  afterEach(() => t.close())

  const count = async (table: string) =>
    Number((await t.sql<{ n: unknown }>(`select count(*) as n from ${table}`))[0]?.n)
  const post = (body: unknown, query = '') =>
    t.request<One & Many>('POST', `/api/items/articles${query}`, { as: ADMIN, body })

  it('creates one item, applying defaults and returning it with its types', async () => {
    const res = await post({
      title: 'New',
      published_at: '2024-06-01T10:00:00+02:00',
      extra: { nested: [1, { a: 'b' }] },
      price: 9.5,
      author: 2,
    })
    expect(res.status).toBe(201)
    expect(res.body.data).toMatchObject({
      id: 5,
      title: 'New',
      status: 'draft',
      views: 0,
      featured: false,
      published_at: '2024-06-01T08:00:00.000Z',
      extra: { nested: [1, { a: 'b' }] },
      price: '9.50',
      author: 2,
      comments: [],
      tags: [],
    })
    const again = await t.request<One>(
      'GET',
      '/api/items/articles/5?fields=title,extra,author.name',
      { as: ADMIN },
    )
    expect(again.body.data).toEqual({
      title: 'New',
      extra: { nested: [1, { a: 'b' }] },
      author: { name: 'Grace' },
    })
    const json = await post({ title: 'Json string', extra: '123' }, '?fields=extra')
    expect(json.body.data).toEqual({ extra: '123' })
    expect(await count('backlex_collections_activity')).toBe(2)
  })

  it('creates a batch atomically: one bad item writes nothing and every issue is listed', async () => {
    const ok = await post([{ title: 'A' }, { title: 'B', views: 3 }], '?fields=id,title,views')
    expect(ok.status).toBe(201)
    expect(ok.body.data).toEqual([
      { id: 5, title: 'A', views: 0 },
      { id: 6, title: 'B', views: 3 },
    ])
    const bad = await post([
      { title: 'C' },
      { views: 'many', featured: 'yes', day: '2024-13-01', status: 'other', published_at: 'soon' },
    ])
    expect(bad.status).toBe(400)
    expect(codeOf(bad.body)).toBe('INVALID_ITEM')
    const issues = (
      bad.body as unknown as { errors: { extensions: { issues: { path: string }[] } }[] }
    ).errors[0]?.extensions.issues
    expect(issues?.map((i) => i.path).sort()).toEqual([
      '1.day',
      '1.featured',
      '1.published_at',
      '1.status',
      '1.title',
      '1.views',
    ])
    expect(await count('c_main_articles')).toBe(6)
    expect(await count('backlex_collections_activity')).toBe(2)
    expect(await count('backlex_collections_revisions')).toBe(2)
  })

  it('refuses unknown fields, relation aliases, oversized batches and non-objects', async () => {
    const cases: [unknown, number, string][] = [
      [{ title: 'x', nope: 1 }, 400, 'UNKNOWN_FIELD'],
      [{ title: 'x', comments: [1] }, 400, 'INVALID_ITEM'],
      [{ title: 'x', id: 'abc' }, 400, 'INVALID_ITEM'],
      [[{ title: 'a' }, { title: 'b' }, { title: 'c' }, { title: 'd' }], 400, 'BATCH_TOO_LARGE'],
      [[1, 2], 400, 'INVALID_ITEM'],
      ['text', 400, 'VALIDATION_FAILED'],
    ]
    for (const [body, status, code] of cases) {
      const res = await t.request('POST', '/api/items/articles', { as: ADMIN, body })
      expect({ status: res.status, code: codeOf(res.body) }, JSON.stringify(body)).toEqual({
        status,
        code,
      })
    }
    const notJson = await t.request('POST', '/api/items/articles', { as: ADMIN, raw: '{"title":' })
    expect(codeOf(notJson.body)).toBe('INVALID_JSON')
    expect(await count('c_main_articles')).toBe(4)
    // A `__proto__` key never reaches the item, nor any prototype.
    const proto = await t.request<One>('POST', '/api/items/articles?fields=id,title', {
      as: ADMIN,
      raw: '{"title":"p","__proto__":{"views":99}}',
    })
    expect(proto.body.data).toEqual({ id: 5, title: 'p' })
    expect(({} as Record<string, unknown>).views).toBeUndefined()
  })

  it('maps constraint violations to 409 and 400, writing nothing', async () => {
    const dup = await t.request('POST', '/api/items/authors', {
      as: ADMIN,
      body: [{ name: 'New' }, { name: 'Dup', email: 'ada@example.com' }],
    })
    expect({ status: dup.status, code: codeOf(dup.body) }).toEqual({
      status: 409,
      code: 'ITEM_CONFLICT',
    })
    expect(await count('c_main_authors')).toBe(3)
    const ref = await post({ title: 'Orphan', author: 999 })
    expect({ status: ref.status, code: codeOf(ref.body) }).toEqual({
      status: 400,
      code: 'INVALID_REFERENCE',
    })
    expect(await count('c_main_articles')).toBe(4)
    expect(await count('backlex_collections_activity')).toBe(0)
  })

  it('updates one item, by keys and by query, and refuses key changes and unknown keys', async () => {
    const one = await t.request<One>('PATCH', '/api/items/articles/2?fields=id,status,views', {
      as: ADMIN,
      body: { status: 'published', views: 6 },
    })
    expect(one).toEqual({ status: 200, body: { data: { id: 2, status: 'published', views: 6 } } })
    const byKeys = await t.request<Many>('PATCH', '/api/items/articles?fields=id,featured', {
      as: ADMIN,
      body: { keys: [1, 3], data: { featured: true } },
    })
    expect(byKeys.body.data).toEqual([
      { id: 1, featured: true },
      { id: 3, featured: true },
    ])
    const byQuery = await t.request<Many>('PATCH', '/api/items/articles?fields=id,rating', {
      as: ADMIN,
      body: { query: { filter: { views: { _gte: 20 } } }, data: { rating: 1.5 } },
    })
    expect(byQuery.body.data).toEqual([
      { id: 3, rating: 1.5 },
      { id: 4, rating: 1.5 },
    ])
    expect(
      codeOf(
        (await t.request('PATCH', '/api/items/articles/1', { as: ADMIN, body: { id: 7 } })).body,
      ),
    ).toBe('INVALID_ITEM')
    expect(
      codeOf((await t.request('PATCH', '/api/items/articles/1', { as: ADMIN, body: {} })).body),
    ).toBe('INVALID_ITEM')
    expect(
      codeOf(
        (await t.request('PATCH', '/api/items/articles/1', { as: ADMIN, body: { views: 'x' } }))
          .body,
      ),
    ).toBe('INVALID_ITEM')
    const missing = await t.request('PATCH', '/api/items/articles', {
      as: ADMIN,
      body: { keys: [1, 99], data: { views: 1 } },
    })
    expect({ status: missing.status, code: codeOf(missing.body) }).toEqual({
      status: 404,
      code: 'ITEM_NOT_FOUND',
    })
    const rows = await t.sql<{ views: unknown }>('select views from c_main_articles where id = 1')
    expect(Number(rows[0]?.views)).toBe(10)
    const tooMany = await t.request('PATCH', '/api/items/articles', {
      as: ADMIN,
      body: { query: { filter: {} }, data: { views: 1 } },
    })
    expect({ status: tooMany.status, code: codeOf(tooMany.body) }).toEqual({
      status: 400,
      code: 'BATCH_TOO_LARGE',
    })
    const noFilter = await t.request('PATCH', '/api/items/articles', {
      as: ADMIN,
      body: { query: {}, data: { views: 1 } },
    })
    expect(codeOf(noFilter.body)).toBe('VALIDATION_FAILED')
  })

  it('deletes one item, by keys and by query; a batch with a missing key deletes nothing', async () => {
    expect((await t.request('DELETE', '/api/items/articles/4', { as: ADMIN })).status).toBe(204)
    expect((await t.request('GET', '/api/items/articles/4', { as: ADMIN })).status).toBe(404)
    const missing = await t.request('DELETE', '/api/items/articles', { as: ADMIN, body: [1, 4] })
    expect({ status: missing.status, code: codeOf(missing.body) }).toEqual({
      status: 404,
      code: 'ITEM_NOT_FOUND',
    })
    expect(await count('c_main_articles')).toBe(3)
    expect(
      (await t.request('DELETE', '/api/items/articles', { as: ADMIN, body: { keys: [2] } })).status,
    ).toBe(204)
    expect(
      (
        await t.request('DELETE', '/api/items/articles', {
          as: ADMIN,
          body: { query: { filter: { title: { _eq: 'Third' } } } },
        })
      ).status,
    ).toBe(204)
    expect(codeOf((await t.request('DELETE', '/api/items/articles', { as: ADMIN })).body)).toBe(
      'VALIDATION_FAILED',
    )
    const left = await t.sql<{ id: unknown }>('select id from c_main_articles')
    expect(left.map((r) => Number(r.id))).toEqual([1])
    // Comments of deleted articles cascade in the database.
    expect(await count('c_main_comments')).toBe(2)
  })

  it('runs filter hooks inside the transaction and action hooks after commit', async () => {
    const changed = await post({ title: 'shout' }, '?fields=title')
    expect(changed.body.data).toEqual({ title: 'SHOUT' })
    const rejected = await post([{ title: 'fine' }, { title: 'reject me' }])
    expect({ status: rejected.status, code: codeOf(rejected.body) }).toEqual({
      status: 422,
      code: 'TEST_REJECTED',
    })
    expect(await count('c_main_articles')).toBe(5)
    await t.request('PATCH', '/api/items/articles/5', { as: ADMIN, body: { views: 7 } })
    await t.request('DELETE', '/api/items/articles/5', { as: ADMIN })
    await t.app.events.settled()
    expect(seen.map((s) => s.event)).toEqual(['items.created', 'items.updated', 'items.deleted'])
    expect(seen[0]?.payload).toMatchObject({
      workspace: 'main',
      collection: 'articles',
      keys: [5],
      after: [{ id: 5, title: 'SHOUT', views: 0 }],
    })
    expect(seen[1]?.payload).toMatchObject({
      keys: [5],
      before: [{ views: 0 }],
      after: [{ views: 7 }],
    })
    expect(seen[2]?.payload).toMatchObject({ keys: [5], before: [{ id: 5, views: 7 }] })
    expect(seen[2]?.payload.after).toBeUndefined()
  })

  it('writes an activity and a revision row per item in the same transaction', async () => {
    await post([{ title: 'A' }, { title: 'B' }])
    await t.request('PATCH', '/api/items/articles/5', { as: ADMIN, body: { views: 2 } })
    await t.request('DELETE', '/api/items/articles/6', { as: ADMIN })
    const activity = await t.sql<Record<string, unknown>>(
      'select action, collection, item, principal_type, user_id, api_key_id, request_id from backlex_collections_activity order by id',
    )
    expect(activity).toEqual([
      {
        action: 'item.create',
        collection: 'articles',
        item: '5',
        principal_type: 'user',
        user_id: 'admin-1',
        api_key_id: null,
        request_id: expect.any(String),
      },
      {
        action: 'item.create',
        collection: 'articles',
        item: '6',
        principal_type: 'user',
        user_id: 'admin-1',
        api_key_id: null,
        request_id: expect.any(String),
      },
      {
        action: 'item.update',
        collection: 'articles',
        item: '5',
        principal_type: 'user',
        user_id: 'admin-1',
        api_key_id: null,
        request_id: expect.any(String),
      },
      {
        action: 'item.delete',
        collection: 'articles',
        item: '6',
        principal_type: 'user',
        user_id: 'admin-1',
        api_key_id: null,
        request_id: expect.any(String),
      },
    ])
    const revisions = await t.sql<{ item: string; delta: unknown; data: unknown }>(
      'select item, delta, data from backlex_collections_revisions order by id',
    )
    const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v)
    expect(revisions.map((r) => [r.item, parse(r.delta)])).toEqual([
      ['5', { title: 'A' }],
      ['6', { title: 'B' }],
      ['5', { views: 2 }],
      ['6', null],
    ])
    expect(parse(revisions[3]?.data)).toMatchObject({ id: 6, title: 'B', status: 'draft' })
  })
})
