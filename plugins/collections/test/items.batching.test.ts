// Relations load with batched queries: the number of statements a list runs depends on the
// relations it expands, never on the number of rows (counted with a Kysely plugin).
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, type ItemsApp, startItemsApp } from './items-helpers/app.js'
import { createBlog } from './items-helpers/blog.js'

type List = { data: { id: number; author: { name: string } | null; comments: unknown[] }[] }

describe.each(dialects.filter((d) => d.available))(
  'batched relation loading on $dialect',
  (dialect) => {
    let t: ItemsApp
    beforeAll(async () => {
      t = await startItemsApp(dialect)
      await createBlog(t)
      const authors = Array.from({ length: 10 }, (_, i) => ({ name: `Author ${i}` }))
      await t.request('POST', '/api/items/authors', { as: ADMIN, body: authors })
      for (let batch = 0; batch < 4; batch++) {
        const articles = Array.from({ length: 25 }, (_, i) => ({
          title: `Article ${batch * 25 + i}`,
          author: ((batch * 25 + i) % 10) + 1,
        }))
        await t.request('POST', '/api/items/articles', { as: ADMIN, body: articles })
      }
      const comments = Array.from({ length: 200 }, (_, i) => ({
        body: `Comment ${i}`,
        article: (i % 100) + 1,
      }))
      for (let i = 0; i < comments.length; i += 100) {
        await t.request('POST', '/api/items/comments', {
          as: ADMIN,
          body: comments.slice(i, i + 100),
        })
      }
    }, 120_000)
    afterAll(() => t?.close())

    const statements = async (path: string, as = ADMIN) => {
      await t.request('GET', path, { as }) // warm: schema and permission caches
      t.queries.reset()
      const res = await t.request<List>('GET', path, { as })
      expect(res.status).toBe(200)
      return { count: t.queries.count, body: res.body }
    }

    it('lists 100 items with a many-to-one and a one-to-many relation in 3 statements', async () => {
      const { count, body } = await statements(
        '/api/items/articles?fields=id,title,author.name,comments.body&limit=100',
      )
      expect(body.data).toHaveLength(100)
      expect(body.data[0]).toMatchObject({ id: 1, author: { name: 'Author 0' } })
      expect(body.data[0]?.comments).toHaveLength(2)
      expect(count).toBe(3)
    })

    it('costs one statement more per relation, not per row', async () => {
      expect((await statements('/api/items/articles?limit=10')).count).toBe(3) // rows + tags keys + comment keys
      expect((await statements('/api/items/articles?limit=100')).count).toBe(3)
      expect(
        (await statements('/api/items/articles?fields=id,comments.article.author.name&limit=100'))
          .count,
      ).toBe(4)
      expect(
        (
          await statements(
            '/api/items/articles?fields=id,comments.body&deep[comments][_limit]=1&limit=100',
          )
        ).count,
      ).toBe(2)
      expect((await statements('/api/items/articles?fields=id&meta=*&limit=100')).count).toBe(3)
    })

    it('stays batched under a role with row filters on both sides', async () => {
      await t.permit({
        role: 'reader',
        collection: 'articles',
        action: 'read',
        filter: { id: { _lte: 50 } },
      })
      await t.permit({
        role: 'reader',
        collection: 'authors',
        action: 'read',
        filter: { name: { _neq: 'Author 0' } },
      })
      await t.permit({ role: 'reader', collection: 'comments', action: 'read' })
      const reader = { id: 'u-reader', roles: ['reader'] }
      const { count, body } = await statements(
        '/api/items/articles?fields=id,author.name,comments.body&limit=100',
        reader,
      )
      expect(body.data).toHaveLength(50)
      expect(body.data[0]?.author).toBe(null)
      expect(body.data[1]?.author).toEqual({ name: 'Author 1' })
      expect(count).toBe(3)
    })
  },
)
