// Relations resolve in batches: the whole selection becomes one items query, so 100 articles
// with their author (m2o) and comments (o2m) cost as many SQL statements as 10 do.
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBlog } from './helpers/blog.js'
import { ADMIN, startServer, type TestServer } from './helpers/server.js'

describe.each(dialects.filter((d) => d.available))('graphql batching on $dialect', (dialect) => {
  let t: TestServer
  beforeAll(async () => {
    t = await startServer(dialect)
    await createBlog(t)
    const authors = Array.from(
      { length: 10 },
      (_, i) => `('Author ${i}', 'a${i}@example.com', 'FI')`,
    )
    await t.sql(`insert into c_main_authors (name, email, country) values ${authors.join(', ')}`)
    const articles = Array.from(
      { length: 100 },
      (_, i) => `('Article ${i}', 'published', ${i}, 'u', ${(i % 10) + 1})`,
    )
    await t.sql(
      `insert into c_main_articles (title, status, views, owner, author) values ${articles.join(', ')}`,
    )
    const comments = Array.from({ length: 200 }, (_, i) => `('Comment ${i}', ${(i % 100) + 1})`)
    await t.sql(`insert into c_main_comments (body, article) values ${comments.join(', ')}`)
  })
  afterAll(() => t?.close())

  const QUERY = `query($limit: Int) {
    articles(limit: $limit, sort: ["id"]) {
      id title
      author { id name }
      comments(sort: ["id"]) { id body }
      again: comments(sort: ["id"]) { id }
    }
  }`

  async function statements(limit: number) {
    await t.gql(QUERY, { limit }, ADMIN) // warm: schema, permissions and metadata caches
    t.queries.count = 0
    const res = await t.gql<{ articles: { author: unknown; comments: unknown[] }[] }>(
      QUERY,
      { limit },
      ADMIN,
    )
    expect(res.errors).toBeUndefined()
    expect(res.data?.articles).toHaveLength(limit)
    expect(res.data?.articles.every((a) => a.author && a.comments.length === 2)).toBe(true)
    return t.queries.count
  }

  it('reads 100 items with a nested m2o and o2m in a fixed number of statements', async () => {
    const ten = await statements(10)
    const hundred = await statements(100)
    expect(hundred).toBe(ten)
    // articles, authors, comments (twice selected, read once): one statement per level.
    expect(hundred).toBeLessThanOrEqual(3)
  })
})
