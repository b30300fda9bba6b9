// The REST security suite again, through GraphQL over HTTP on both dialects: a role with a row
// filter, one with field limits, one whose fields depend on the row, and an anonymous caller.
// No row or field a role cannot read is reachable: lists, by id, aggregates, nested relations,
// and sorting or filtering by a hidden field is refused.
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBlog, seedBlog } from './helpers/blog.js'
import { codes, startServer, type TestServer } from './helpers/server.js'

type Rows = Record<string, Record<string, unknown>[]>

const READER = { id: 'u-reader', roles: ['reader'] }
const LIMITED = { id: 'u-limited', roles: ['limited'] }
const OWNER = { id: 'u-editor', roles: ['owner'] }

describe.each(dialects.filter((d) => d.available))('graphql security on $dialect', (dialect) => {
  let t: TestServer
  beforeAll(async () => {
    t = await startServer(dialect)
    await createBlog(t)
    await seedBlog(t)
    const published = { status: { _eq: 'published' } }
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
    await t.permit({
      role: 'limited',
      collection: 'articles',
      action: 'read',
      fields: ['title', 'status', 'views', 'author'],
    })
    await t.permit({ role: 'limited', collection: 'authors', action: 'read', fields: ['name'] })
    await t.permit({
      role: 'owner',
      collection: 'articles',
      action: 'read',
      filter: { owner: { _eq: '$CURRENT_USER' } },
    })
    await t.permit({
      role: 'public',
      collection: 'articles',
      action: 'read',
      filter: published,
      fields: ['title'],
    })
  })
  afterAll(() => t?.close())

  const ok = async (query: string, as?: object, variables?: Record<string, unknown>) => {
    const res = await t.gql<Rows>(query, variables, as)
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined()
    expect(res.status).toBe(200)
    return res.data as Rows
  }
  /** A query the caller's schema does not have: 400 with GRAPHQL_VALIDATION_FAILED. */
  const notInSchema = async (query: string, as?: object) => {
    const res = await t.gql(query, undefined, as)
    expect({ status: res.status, codes: [...new Set(codes(res))] }, query).toEqual({
      status: 400,
      codes: ['GRAPHQL_VALIDATION_FAILED'],
    })
  }
  const ids = async (args: string, as?: object) =>
    (await ok(`{ articles${args} { id } }`, as)).articles?.map((r) => r.id)

  describe('a role with a row filter', () => {
    it('lists, reads by id, searches and aggregates only rows it may see', async () => {
      expect(await ids('(sort: ["id"])', READER)).toEqual([1, 3, 4])
      expect((await ok('{ articlesById(id: 1) { id title } }', READER)).articlesById).toEqual({
        id: 1,
        title: 'Hello World',
      })
      // Hidden and missing look the same.
      expect(
        await ok('{ a: articlesById(id: 2) { id } b: articlesById(id: 99) { id } }', READER),
      ).toEqual({ a: null, b: null })
      expect(await ids('(search: "More")', READER)).toEqual([])
      expect(await ids('(filter: { views: { _lt: 6 } })', READER)).toEqual([])
      const agg = await ok(
        '{ articlesAggregated { countAll sum { views } min { views } } }',
        READER,
      )
      expect(agg.articlesAggregated).toEqual([
        { countAll: 3, sum: { views: 60 }, min: { views: 10 } },
      ])
      const grouped = await ok(
        '{ articlesAggregated(groupBy: [status]) { group countAll } }',
        READER,
      )
      expect(grouped.articlesAggregated).toEqual([{ group: { status: 'published' }, countAll: 3 }])
    })

    it('expands and filters relations only through rows it may read', async () => {
      const data = await ok(
        '{ articles(sort: ["id"]) { id author { name } comments { body } } }',
        READER,
      )
      expect(data.articles).toEqual([
        { id: 1, author: null, comments: [{ body: 'Nice' }] },
        { id: 3, author: null, comments: [{ body: 'Good' }] },
        { id: 4, author: null, comments: [] },
      ])
      expect(await ids('(filter: { author: { name: { _eq: "Ada" } } })', READER)).toEqual([])
      expect(
        await ids('(filter: { comments: { _some: { body: { _eq: "Spam" } } } })', READER),
      ).toEqual([])
      expect(
        await ids(
          '(filter: { comments: { _none: { body: { _eq: "Spam" } } } }, sort: ["id"])',
          READER,
        ),
      ).toEqual([1, 3, 4])
      expect(await ids('(sort: ["author.name", "-id"])', READER)).toEqual([4, 3, 1])
      // tags are not readable: neither the collection nor the relation exist in its schema.
      await notInSchema('{ articles { tags { name } } }', READER)
      await notInSchema('{ tags { id } }', READER)
      await notInSchema(
        '{ articles(filter: { tags: { _some: { name: { _eq: "tech" } } } }) { id } }',
        READER,
      )
    })
  })

  describe('an admin', () => {
    it('filters and expands many-to-many relations through the junction', async () => {
      const ADMIN = { id: 'admin-1', roles: ['admin'], admin: true }
      expect(
        await ids('(filter: { tags: { _some: { name: { _eq: "tech" } } } }, sort: ["id"])', ADMIN),
      ).toEqual([1, 3])
      expect(
        await ids('(filter: { tags: { _none: { name: { _eq: "tech" } } } }, sort: ["id"])', ADMIN),
      ).toEqual([2, 4])
      expect(await ids('(sort: ["id"], limit: 2, page: 2)', ADMIN)).toEqual([3, 4])
      expect(await ids('(sort: ["-id"], limit: 2, offset: 1)', ADMIN)).toEqual([3, 2])
      const either =
        '(filter: { _or: [{ views: { _gte: 30 } }, { _and: [{ featured: { _eq: true } }, { day: { _null: true } }] }] }, sort: ["id"])'
      expect(await ids(either, ADMIN)).toEqual([3, 4])
      expect(
        await ids(
          '(filter: { published_at: { _lt: "$NOW" }, title: { _istarts_with: "F" } })',
          ADMIN,
        ),
      ).toEqual([4])
      const data = await ok(
        '{ articles(sort: ["id"], limit: 2) { id tags(sort: ["name"]) { name } } }',
        ADMIN,
      )
      expect(data.articles).toEqual([
        { id: 1, tags: [{ name: 'news' }, { name: 'tech' }] },
        { id: 2, tags: [{ name: 'secret-tag' }] },
      ])
    })
  })

  describe('a role with field limits', () => {
    it('has no hidden field in its schema and cannot sort or aggregate by one', async () => {
      const data = await ok(
        '{ articles(sort: ["id"], limit: 1) { id title status views author { id name } } }',
        LIMITED,
      )
      expect(data.articles).toEqual([
        {
          id: 1,
          title: 'Hello World',
          status: 'published',
          views: 10,
          author: { id: 1, name: 'Ada' },
        },
      ])
      expect(await ids('(search: "alpha")', LIMITED)).toEqual([])
      expect(await ids('(search: "hello")', LIMITED)).toEqual([1])
      for (const query of [
        '{ articles { secret } }',
        '{ articles { author { email } } }',
        '{ articles(filter: { secret: { _eq: "alpha" } }) { id } }',
        '{ articles(filter: { author: { email: { _eq: "ada@example.com" } } }) { id } }',
        '{ articlesAggregated { sum { rating } } }',
        '{ articlesAggregated { count { secret } } }',
        '{ articlesAggregated(groupBy: [owner]) { countAll } }',
        '{ articles { comments { body } } }',
        '{ articlesById(id: 1) { secret } }',
      ]) {
        await notInSchema(query, LIMITED)
      }
      // Sort takes strings: the items engine refuses a hidden field.
      for (const sort of ['secret', '-author.email']) {
        const res = await t.gql(`{ articles(sort: ["${sort}"]) { id } }`, undefined, LIMITED)
        expect({ status: res.status, codes: codes(res), data: res.data }).toEqual({
          status: 200,
          codes: ['FIELD_FORBIDDEN'],
          data: { articles: null },
        })
      }
    })
  })

  describe('fields that depend on which role lets a row through', () => {
    it('shows a field only on rows a role granting it covers', async () => {
      const data = await ok('{ articles(sort: ["id"]) { id title secret } }', OWNER)
      expect(data.articles).toEqual([
        { id: 1, title: 'Hello World', secret: 'alpha' },
        { id: 2, title: 'Second', secret: 'beta' },
        { id: 3, title: 'Third', secret: null },
        { id: 4, title: 'fourth', secret: null },
      ])
      expect(await ids('(search: "gamma")', OWNER)).toEqual([])
      expect(await ids('(filter: { secret: { _nnull: true } }, sort: ["id"])', OWNER)).toEqual([
        1, 2,
      ])
      const agg = await ok('{ articlesAggregated { count { secret } max { secret } } }', OWNER)
      expect(agg.articlesAggregated).toEqual([{ count: { secret: 2 }, max: { secret: 'beta' } }])
    })
  })

  describe('an anonymous caller', () => {
    it('sees only the public rule', async () => {
      expect((await ok('{ articles(sort: ["id"]) { id title } }')).articles).toEqual([
        { id: 1, title: 'Hello World' },
        { id: 3, title: 'Third' },
        { id: 4, title: 'fourth' },
      ])
      expect((await ok('{ articlesAggregated { countAll } }')).articlesAggregated).toEqual([
        { countAll: 3 },
      ])
      expect((await ok('{ articlesById(id: 2) { id } }')).articlesById).toBeNull()
      expect(await ids('(search: "zebra")')).toEqual([])
      await notInSchema('{ articles { views } }')
      await notInSchema('{ articles { author { name } } }')
      await notInSchema('{ authors { id } }')
      await notInSchema('mutation { articlesDelete(id: 1) }')
      const rows = await t.sql<{ n: unknown }>('select count(*) as n from c_main_articles')
      expect(Number(rows[0]?.n)).toBe(4)
    })
  })
})
