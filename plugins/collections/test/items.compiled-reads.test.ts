// Reads whose SQL only differs in their keys or page are compiled once and bound afterwards
// (src/items/read/template.ts). What must hold: the same answers as a fresh build, and a template
// never outliving the rules, the fields or the schema it was compiled from. Compiles are counted
// with a Kysely plugin (a templated read executes without one).
import { Permissions } from '@backlex/permissions'
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, type ItemsApp, startItemsApp } from './items-helpers/app.js'
import { createBlog, seedBlog } from './items-helpers/blog.js'

type One = { data: Record<string, unknown> }
type List = { data: Record<string, unknown>[] }

const READER = { id: 'u-reader', roles: ['reader'] }
const OTHER_READER = { id: 'u-reader-2', roles: ['reader'] }

describe.each(dialects.filter((d) => d.available))('compiled reads on $dialect', (dialect) => {
  let t: ItemsApp
  let readerRule: string
  beforeAll(async () => {
    t = await startItemsApp(dialect)
    await createBlog(t)
    await seedBlog(t)
    const rule = await t.app.get(Permissions).create('main', {
      role: 'reader',
      collection: 'articles',
      action: 'read',
      filter: { status: { _eq: 'published' } },
      fields: ['title', 'status', 'views'],
    })
    readerRule = rule.id
    await t.permit({
      role: 'owner',
      collection: 'articles',
      action: 'read',
      filter: { owner: { _eq: '$CURRENT_USER' } },
      fields: ['title', 'owner'],
    })
  })
  afterAll(() => t?.close())

  const one = async (id: number, as: object = READER) => {
    const res = await t.request<One>('GET', `/api/items/articles/${id}`, { as })
    return res.status === 200 ? res.body.data : res.status
  }
  const list = async (query: string, as: object = READER) => {
    const res = await t.request<List>('GET', `/api/items/articles${query}`, { as })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body.data
  }
  /** Runs `read` once to warm the caches, then again counting compiles and statements. */
  const counted = async <T>(read: () => Promise<T>) => {
    await read()
    t.queries.reset()
    const result = await read()
    return { result, compiled: t.queries.compiled, executed: t.queries.count }
  }

  it('compiles a one-item read once per rules and shape, for every caller holding them', async () => {
    const first = await counted(() => one(1))
    expect(first.result).toEqual({ id: 1, title: 'Hello World', status: 'published', views: 10 })
    expect({ compiled: first.compiled, executed: first.executed }).toEqual({
      compiled: 0,
      executed: 1,
    })
    t.queries.reset()
    expect(await one(3, OTHER_READER)).toMatchObject({ id: 3, title: 'Third' })
    expect(await one(2, OTHER_READER)).toBe(404) // a draft: the rule's filter is bound
    expect(t.queries.compiled).toBe(0)
    // Another shape of the same read is a template of its own.
    const titles = await counted(
      async () =>
        (await t.request<One>('GET', '/api/items/articles/1?fields=title', { as: READER })).body,
    )
    expect(titles.result).toEqual({ data: { title: 'Hello World' } })
    expect(titles.compiled).toBe(0)
  })

  it('binds the page of a list: limit and offset change, the SQL does not', async () => {
    const page = (n: number) => list(`?sort=-views&limit=1&page=${n}&fields=id,views`)
    await page(1)
    t.queries.reset()
    expect(await page(1)).toEqual([{ id: 3, views: 30 }])
    expect(await page(2)).toEqual([{ id: 4, views: 20 }])
    expect(await page(3)).toEqual([{ id: 1, views: 10 }])
    expect(await page(4)).toEqual([])
    expect(t.queries.compiled).toBe(0)
    expect(await list('?sort=-views&limit=-1&fields=id')).toEqual([{ id: 3 }, { id: 4 }, { id: 1 }])
  })

  it('compiles the counts of `meta` once too, and counts filtered lists with their filter', async () => {
    type Counted = { data: unknown[]; meta: { total_count: number; filter_count: number } }
    const meta = async (query: string) =>
      (await t.request<Counted>('GET', `/api/items/articles${query}`, { as: READER })).body.meta
    const plain = await counted(() => meta('?meta=*&limit=1&sort=id'))
    expect(plain.result).toEqual({ total_count: 3, filter_count: 3 })
    expect(plain.compiled).toBe(0)
    expect(plain.executed).toBe(3) // rows, and the count shared by both numbers, run twice
    const filtered = await counted(() => meta('?meta=*&limit=1&filter[views][_gt]=15'))
    expect(filtered.result).toEqual({ total_count: 3, filter_count: 2 })
    expect(filtered.compiled).toBe(2) // the rows and the filtered count; the total is templated
  })

  it('builds filtered and searched lists each time, with their own values', async () => {
    const filtered = await counted(() => list('?filter[views][_gt]=15&sort=id&fields=id'))
    expect(filtered.result).toEqual([{ id: 3 }, { id: 4 }])
    expect(filtered.compiled).toBeGreaterThan(0)
    expect(await list('?filter[views][_gt]=25&sort=id&fields=id')).toEqual([{ id: 3 }])
  })

  it('follows a rule change at once: a new filter with the same fields, then new fields', async () => {
    const update = (patch: object) => t.app.get(Permissions).update('main', readerRule, patch)
    await one(1)
    await list('?sort=id')
    // Same shape (fields), other filter value: what a template keyed on the shape alone gets wrong.
    await update({ filter: { status: { _eq: 'draft' } } })
    expect(await one(1)).toBe(404)
    expect(await one(2)).toEqual({ id: 2, title: 'Second', status: 'draft', views: 5 })
    expect(await list('?sort=id&fields=id')).toEqual([{ id: 2 }])
    await update({ fields: ['title'] })
    expect(await one(2)).toEqual({ id: 2, title: 'Second' })
    await update({ filter: { status: { _eq: 'published' } }, fields: ['title', 'status', 'views'] })
    expect(await one(2)).toBe(404)
    expect(await one(1)).toEqual({ id: 1, title: 'Hello World', status: 'published', views: 10 })
    expect(await list('?sort=id&fields=id')).toEqual([{ id: 1 }, { id: 3 }, { id: 4 }])
  })

  it('follows a schema change: a new field readable under `*` appears at once', async () => {
    const before = await one(1, ADMIN)
    expect(before).not.toHaveProperty('subtitle')
    await t.collections().update('main', 'articles', {
      fields: [{ name: 'subtitle', type: 'string', default: 'none' }],
    })
    expect(await one(1, ADMIN)).toMatchObject({ id: 1, subtitle: 'none' })
    expect((await list('?sort=id&limit=1', ADMIN))[0]).toMatchObject({ subtitle: 'none' })
  })

  it('never templates a rule reading variables: each caller gets their own rows', async () => {
    const editor = { id: 'u-editor', roles: ['owner'] }
    const other = { id: 'u-other', roles: ['owner'] }
    expect(await list('?sort=id&fields=id', editor)).toEqual([{ id: 1 }, { id: 2 }])
    expect(await list('?sort=id&fields=id', other)).toEqual([{ id: 3 }, { id: 4 }])
    expect(await one(1, other)).toBe(404)
    const read = await counted(() => one(3, other))
    expect(read.result).toEqual({ id: 3, title: 'Third', owner: 'u-other' })
    expect(read.compiled).toBe(1)
    expect(await one(3, editor)).toBe(404)
  })
})
