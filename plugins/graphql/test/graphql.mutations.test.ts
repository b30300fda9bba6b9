// Mutations through the items engine on both dialects: create, update and delete, one and many,
// with presets, validation and row filters applied as in REST; refused writes change nothing.
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBlog, seedBlog } from './helpers/blog.js'
import { codes, startServer, type TestServer } from './helpers/server.js'

const EDITOR = { id: 'u-editor', roles: ['editor'] }
type Row = Record<string, unknown>

describe.each(dialects.filter((d) => d.available))('graphql mutations on $dialect', (dialect) => {
  let t: TestServer
  beforeAll(async () => {
    t = await startServer(dialect)
    await createBlog(t)
    await seedBlog(t)
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

  const count = async () =>
    Number((await t.sql<{ n: unknown }>('select count(*) as n from c_main_articles'))[0]?.n)

  it('creates one and many with presets, returning what the caller reads', async () => {
    const one = await t.gql<{ articlesCreate: Row }>(
      'mutation($d: articlesCreateInput!) { articlesCreate(data: $d) { title owner status views } }',
      { d: { title: 'New', views: 3 } },
      EDITOR,
    )
    expect(one.errors).toBeUndefined()
    expect(one.data?.articlesCreate).toEqual({
      title: 'New',
      owner: 'u-editor',
      status: 'draft',
      views: 3,
    })
    const many = await t.gql<{ articlesCreateMany: Row[] }>(
      'mutation { articlesCreateMany(data: [{ title: "A" }, { title: "B" }]) { title } }',
      undefined,
      EDITOR,
    )
    expect(many.data?.articlesCreateMany).toEqual([{ title: 'A' }, { title: 'B' }])
    expect(await count()).toBe(7)
  })

  it('refuses invalid and forbidden writes and writes nothing', async () => {
    const before = await count()
    const invalid = await t.gql(
      'mutation { articlesCreateMany(data: [{ title: "ok" }, { title: "x", views: 500 }]) { id } }',
      undefined,
      EDITOR,
    )
    expect(codes(invalid)).toEqual(['ITEM_VALIDATION_FAILED'])
    // `secret` is not in the editor's create fields: not even in its schema.
    const hidden = await t.gql(
      'mutation { articlesCreate(data: { title: "x", secret: "s" }) { id } }',
      undefined,
      EDITOR,
    )
    expect({ status: hidden.status, codes: codes(hidden) }).toEqual({
      status: 400,
      codes: ['GRAPHQL_VALIDATION_FAILED'],
    })
    expect(await count()).toBe(before)
  })

  it('updates and deletes only rows its rules cover', async () => {
    const own = await t.gql<{ articlesUpdate: Row }>(
      'mutation { articlesUpdate(id: 1, data: { views: 11 }) { id views } }',
      undefined,
      EDITOR,
    )
    expect(own.data?.articlesUpdate).toEqual({ id: 1, views: 11 })
    const other = await t.gql(
      'mutation { articlesUpdate(id: 3, data: { views: 1 }) { id } }',
      undefined,
      EDITOR,
    )
    expect(codes(other).length).toBe(1)
    expect(
      (await t.sql<{ views: unknown }>('select views from c_main_articles where id = 3'))[0]?.views,
    ).toBe(30)
    const many = await t.gql<{ articlesUpdateMany: Row[] }>(
      'mutation { articlesUpdateMany(filter: { title: { _in: ["A", "B"] } }, data: { views: 7 }) { title views } }',
      undefined,
      EDITOR,
    )
    expect(many.data?.articlesUpdateMany).toEqual([
      { title: 'A', views: 7 },
      { title: 'B', views: 7 },
    ])
    const del = await t.gql<{ articlesDeleteMany: number[] }>(
      'mutation { articlesDeleteMany(filter: { title: { _in: ["A", "B", "Third"] } }) }',
      undefined,
      EDITOR,
    )
    expect(del.data?.articlesDeleteMany).toHaveLength(2)
    // Integer keys come back as numbers, as REST gives them.
    expect(del.data?.articlesDeleteMany?.every((key) => Number.isInteger(key))).toBe(true)
    const one = await t.gql<{ articlesDelete: number }>(
      'mutation { articlesDelete(id: 2) }',
      undefined,
      EDITOR,
    )
    expect(one.data?.articlesDelete).toBe(2)
    const refused = await t.gql('mutation { articlesDelete(id: 3) }', undefined, EDITOR)
    expect(codes(refused).length).toBe(1)
    const left = await t.sql<{ title: string }>('select title from c_main_articles order by id')
    expect(left.map((r) => r.title)).toEqual(['Hello World', 'Third', 'fourth', 'New'])
    const nothing = await t.gql('mutation { articlesDeleteMany }', undefined, EDITOR)
    expect(codes(nothing)).toEqual(['GRAPHQL_INVALID_ARGUMENT'])
  })
})
