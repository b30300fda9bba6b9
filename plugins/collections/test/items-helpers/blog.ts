// A small blog schema used across the items tests (and the GraphQL tests, which repeat the REST
// security suite): authors, tags, articles (m2o author, m2m tags, o2m comments) and comments,
// with every field type and a few rows.
import type { CollectionsService } from '../../src/index.js'

/** What the fixture needs from a test server: both test harnesses have it. */
export interface BlogTarget {
  dialect: 'sqlite' | 'postgres'
  collection(input: Parameters<CollectionsService['create']>[1]): Promise<void>
  sql(text: string): Promise<unknown>
  /** The server's Collections service (for the o2m side added after both tables exist). */
  collections(): Pick<CollectionsService, 'update'>
}

export async function createBlog(t: BlogTarget): Promise<void> {
  await t.collection({
    slug: 'authors',
    fields: [
      { name: 'name', type: 'string', required: true },
      { name: 'email', type: 'string', unique: true },
      { name: 'country', type: 'string' },
    ],
  })
  await t.collection({ slug: 'tags', fields: [{ name: 'name', type: 'string', required: true }] })
  await t.collection({
    slug: 'articles',
    fields: [
      { name: 'title', type: 'string', required: true },
      { name: 'body', type: 'text' },
      { name: 'status', type: 'enum', choices: ['draft', 'published'], default: 'draft' },
      { name: 'views', type: 'integer', default: 0 },
      { name: 'rating', type: 'float' },
      { name: 'price', type: 'decimal', precision: 10, scale: 2 },
      { name: 'featured', type: 'boolean', default: false },
      { name: 'published_at', type: 'datetime' },
      { name: 'day', type: 'date' },
      { name: 'extra', type: 'json' },
      { name: 'owner', type: 'string' },
      { name: 'secret', type: 'string', searchable: true },
    ],
    relations: [
      { type: 'm2o', field: 'author', collection: 'authors' },
      { type: 'm2m', field: 'tags', collection: 'tags' },
    ],
  })
  await t.collection({
    slug: 'comments',
    fields: [
      { name: 'body', type: 'text', required: true },
      { name: 'approved', type: 'boolean', default: false },
    ],
    relations: [{ type: 'm2o', field: 'article', collection: 'articles', onDelete: 'cascade' }],
  })
  await t.collections().update('main', 'articles', {
    relations: [{ type: 'o2m', field: 'comments', collection: 'comments', foreignKey: 'article' }],
  })
}

/** Rows through raw SQL (no activity), as the admin would have them. */
export async function seedBlog(t: BlogTarget): Promise<void> {
  const bool = (b: boolean) => (t.dialect === 'sqlite' ? (b ? '1' : '0') : b ? 'true' : 'false')
  await t.sql(
    `insert into c_main_authors (name, email, country) values ('Ada', 'ada@example.com', 'UK'), ('Grace', 'grace@example.com', 'US'), ('Linus', 'linus@example.com', 'FI')`,
  )
  await t.sql(`insert into c_main_tags (name) values ('tech'), ('news'), ('secret-tag')`)
  const rows = [
    `('Hello World', 'First post', 'published', 10, 4.5, '12.50', ${bool(true)}, '2024-01-01T10:00:00.000Z', '2024-01-01', '{"a":1}', 'u-editor', 'alpha', 1)`,
    `('Second', 'More text', 'draft', 5, 3, '1.00', ${bool(false)}, NULL, '2024-02-01', '[1,2]', 'u-editor', 'beta', 2)`,
    `('Third', 'Zebra facts', 'published', 30, NULL, NULL, ${bool(false)}, '2024-03-01T00:00:00.000Z', NULL, NULL, 'u-other', 'gamma', 1)`,
    `('fourth', 'lower case title', 'published', 20, 2, '3.10', ${bool(true)}, '2024-04-01T00:00:00.000Z', NULL, '"text"', 'u-other', 'delta', NULL)`,
  ]
  await t.sql(
    `insert into c_main_articles (title, body, status, views, rating, price, featured, published_at, day, extra, owner, secret, author) values ${rows.join(', ')}`,
  )
  await t.sql(
    `insert into c_main_comments (body, approved, article) values ('Nice', ${bool(true)}, 1), ('Spam', ${bool(false)}, 1), ('Good', ${bool(true)}, 3)`,
  )
  await t.sql(
    `insert into c_main_articles_tags (articles_id, tags_id) values (1, 1), (1, 2), (2, 3), (3, 1)`,
  )
}
