// GraphQL and REST answer the same values for the same item on both dialects: keys, many-to-one
// keys (also to a collection the caller cannot read) and every field type.
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBlog, seedBlog } from './helpers/blog.js'
import { PRINCIPAL_HEADER, startServer, type TestServer } from './helpers/server.js'

const READER = { id: 'u-reader', roles: ['reader'] }
const ADMIN = { id: 'admin-1', roles: ['admin'], admin: true }
type Row = Record<string, unknown>

describe.each(dialects.filter((d) => d.available))(
  'graphql and REST agree on $dialect',
  (dialect) => {
    let t: TestServer
    let rest: string
    beforeAll(async () => {
      t = await startServer(dialect)
      rest = t.server.url
      await createBlog(t)
      await seedBlog(t)
      // The reader may read comments (with their article key), not articles.
      await t.permit({ role: 'reader', collection: 'comments', action: 'read' })
    })
    afterAll(() => t?.close())

    const restItem = async (collection: string, id: number, as: object) => {
      const res = await fetch(`${rest}/api/items/${collection}/${id}`, {
        headers: { [PRINCIPAL_HEADER]: JSON.stringify(as) },
      })
      expect(res.status).toBe(200)
      return ((await res.json()) as { data: Row }).data
    }

    it('gives an article the same values, its author key included', async () => {
      const fields = 'id title body status views rating price featured published_at day extra owner'
      const answer = await t.gql<{ articlesById: Row; articlesAggregated: Row[] }>(
        `{ articlesById(id: 1) { ${fields} } articlesAggregated(groupBy: [author]) { group } }`,
        undefined,
        ADMIN,
      )
      expect(answer.errors).toBeUndefined()
      const item = await restItem('articles', 1, ADMIN)
      const { author, secret: _secret, tags: _tags, comments: _comments, ...plain } = item
      expect(answer.data?.articlesById).toEqual(plain)
      expect(author).toBe(1)
      const groups = answer.data?.articlesAggregated?.map((g) => (g.group as Row).author)
      expect(groups).toContain(1)
    })

    it('gives a many-to-one key to an unreadable collection as REST does (3, not "3")', async () => {
      const answer = await t.gql<{ commentsById: Row; comments: Row[] }>(
        '{ commentsById(id: 3) { id body approved article } comments(sort: ["id"]) { id article } }',
        undefined,
        READER,
      )
      expect(answer.errors).toBeUndefined()
      const item = await restItem('comments', 3, READER)
      expect(item.article).toBe(3)
      expect(answer.data?.commentsById).toEqual(item)
      expect(answer.data?.comments?.map((c) => c.article)).toEqual([1, 1, 3])
    })
  },
)
