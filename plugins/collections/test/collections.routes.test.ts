// The admin routes on both dialects: who may call them, what they return, and bad input
// (malformed or injection-shaped names) refused with a stable code and nothing written.
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, codeOf, dataOf, EDITOR, startApp, type TestApp } from './helpers.js'

describe.each(dialects)('collections routes on $dialect', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    if (dialect.available) t = await startApp(dialect)
  })
  afterAll(async () => {
    await t?.close()
  })

  const routes: [string, string, unknown?][] = [
    ['GET', '/api/collections'],
    ['GET', '/api/collections/posts'],
    ['POST', '/api/collections', { slug: 'nope' }],
    ['PATCH', '/api/collections/posts', { fields: [] }],
    ['DELETE', '/api/collections/posts'],
    ['POST', '/api/collections/posts/restore'],
    ['GET', '/api/admin/adopt/tables'],
    ['POST', '/api/admin/adopt/inspect', { table: 'x' }],
  ]

  it.skipIf(!dialect.available).each(routes)(
    '%s %s: 401 anonymous, 403 non-admin, even with a bad body',
    async (method, path, body) => {
      const junk = method === 'GET' ? undefined : { junk: true }
      const anonymous = await t.request(method, path, { body: junk })
      expect([anonymous.status, codeOf(anonymous.body)]).toEqual([401, 'UNAUTHORIZED'])
      const editor = await t.request(method, path, { as: EDITOR, body })
      expect([editor.status, codeOf(editor.body)]).toEqual([403, 'FORBIDDEN'])
      expect(
        await t.query("select * from backlex_collections_collections where slug = 'nope'"),
      ).toEqual([])
    },
  )

  it.skipIf(!dialect.available)(
    'creates, lists, reads, changes and deletes a collection',
    async () => {
      const created = await t.request('POST', '/api/collections', {
        as: ADMIN,
        body: {
          slug: 'posts',
          fields: [{ name: 'title', type: 'string', required: true }],
          note: 'Blog',
        },
      })
      expect(created.status).toBe(201)
      expect(dataOf(created.body)).toMatchObject({
        workspace: 'main',
        slug: 'posts',
        kind: 'managed',
        table: 'c_main_posts',
        primaryKey: { name: 'id', type: 'integer' },
        fields: [{ name: 'title', type: 'string', required: true, unique: false, indexed: false }],
        relations: [],
        note: 'Blog',
        archivedAt: null,
      })
      const list = await t.request('GET', '/api/collections', { as: ADMIN })
      expect(list.status).toBe(200)
      expect(dataOf<{ slug: string }[]>(list.body).map((c) => c.slug)).toEqual(['posts'])
      const one = await t.request('GET', '/api/collections/posts', { as: ADMIN })
      expect(dataOf(one.body)).toMatchObject({ slug: 'posts' })

      const again = await t.request('POST', '/api/collections', {
        as: ADMIN,
        body: { slug: 'posts' },
      })
      expect([again.status, codeOf(again.body)]).toEqual([409, 'COLLECTION_EXISTS'])

      const patched = await t.request('PATCH', '/api/collections/posts', {
        as: ADMIN,
        body: {
          fields: [{ name: 'views', type: 'integer', required: true, default: 0 }],
          note: null,
        },
      })
      expect(patched.status).toBe(200)
      expect(
        dataOf<{ fields: { name: string }[]; note?: string }>(patched.body).fields.map(
          (f) => f.name,
        ),
      ).toEqual(['title', 'views'])
      expect(dataOf<{ note?: string }>(patched.body).note).toBeUndefined()

      const deleted = await t.request('DELETE', '/api/collections/posts', { as: ADMIN })
      expect([deleted.status, dataOf(deleted.body)]).toEqual([
        200,
        { slug: 'posts', result: 'dropped' },
      ])
      expect(
        await t.query("select * from backlex_collections_collections where slug = 'posts'"),
      ).toEqual([])
      const gone = await t.request('GET', '/api/collections/posts', { as: ADMIN })
      expect([gone.status, codeOf(gone.body)]).toEqual([404, 'COLLECTION_NOT_FOUND'])
      const restore = await t.request('POST', '/api/collections/posts/restore', { as: ADMIN })
      expect([restore.status, codeOf(restore.body)]).toEqual([404, 'COLLECTION_NOT_FOUND'])
      const tables = await t.request('GET', '/api/admin/adopt/tables', { as: ADMIN })
      expect(dataOf<{ table: string }[]>(tables.body).map((r) => r.table)).not.toContain(
        'c_main_posts',
      )
    },
  )

  it.skipIf(!dialect.available)('lets one of two concurrent creates of a slug win', async () => {
    const body = { slug: 'race', fields: [{ name: 'n', type: 'integer' }] }
    const results = await Promise.all([
      t.request('POST', '/api/collections', { as: ADMIN, body }),
      t.request('POST', '/api/collections', { as: ADMIN, body }),
      t.request('POST', '/api/collections', { as: ADMIN, body }),
    ])
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409])
    expect(results.filter((r) => r.status === 409).map((r) => codeOf(r.body))).toEqual([
      'COLLECTION_EXISTS',
      'COLLECTION_EXISTS',
    ])
    await t.query('insert into c_main_race (n) values (1)')
  })

  it.skipIf(!dialect.available)('keeps collections of workspaces apart', async () => {
    const res = await t.request('POST', '/api/collections', {
      as: ADMIN,
      workspace: 'acme',
      body: { slug: 'notes' },
    })
    expect(dataOf(res.body)).toMatchObject({ workspace: 'acme', table: 'c_acme_notes' })
    const main = await t.request('GET', '/api/collections', { as: ADMIN })
    expect(dataOf<{ slug: string }[]>(main.body).map((c) => c.slug)).not.toContain('notes')
    const bad = await t.request('POST', '/api/collections', {
      as: ADMIN,
      workspace: 'Bad-WS',
      body: { slug: 'notes' },
    })
    expect([bad.status, codeOf(bad.body)]).toEqual([400, 'INVALID_COLLECTION'])
  })

  const injections = [
    'posts; drop table backlex_collections_collections',
    'Posts',
    'posts"',
    "posts'--",
    '1posts',
    'po sts',
    'p'.repeat(64),
    'select',
    'collections',
    '',
  ]

  it.skipIf(!dialect.available).each(injections)(
    'refuses the slug %j with INVALID_COLLECTION',
    async (slug) => {
      const res = await t.request('POST', '/api/collections', { as: ADMIN, body: { slug } })
      expect([res.status, codeOf(res.body)]).toEqual([400, 'INVALID_COLLECTION'])
      const rows = await t.query<{ n: number | string }>(
        'select count(*) as n from backlex_collections_collections',
      )
      expect(Number(rows[0]?.n)).toBeGreaterThanOrEqual(0)
      const listed = await t.request('GET', '/api/collections?include_archived=true', { as: ADMIN })
      expect(dataOf<{ slug: string }[]>(listed.body).map((c) => c.slug)).not.toContain(slug)
    },
  )

  it.skipIf(!dialect.available).each(injections)(
    'refuses the field name %j with INVALID_COLLECTION',
    async (name) => {
      const res = await t.request('POST', '/api/collections', {
        as: ADMIN,
        body: { slug: 'victim', fields: [{ name, type: 'string' }] },
      })
      expect([res.status, codeOf(res.body)]).toEqual([400, 'INVALID_COLLECTION'])
      expect(await t.collections.get('main', 'victim')).toBeUndefined()
    },
  )

  it.skipIf(!dialect.available)(
    'refuses an injection-shaped default as a plain value, escaped',
    async () => {
      const res = await t.request('POST', '/api/collections', {
        as: ADMIN,
        body: {
          slug: 'quotes',
          fields: [
            {
              name: 'q',
              type: 'text',
              default: "x'); drop table backlex_collections_collections; --",
            },
          ],
        },
      })
      expect(res.status).toBe(201)
      await t.query('insert into c_main_quotes (id) values (1)')
      expect(await t.query('select q from c_main_quotes')).toEqual([
        { q: "x'); drop table backlex_collections_collections; --" },
      ])
    },
  )

  it.skipIf(!dialect.available)(
    'answers 400 with the field path for options that do not fit the type',
    async () => {
      const cases: [unknown, string][] = [
        [{ name: 'a', type: 'string', choices: ['x'] }, 'INVALID_FIELD'],
        [{ name: 'a', type: 'enum' }, 'INVALID_FIELD'],
        [{ name: 'a', type: 'integer', default: 'ten' }, 'INVALID_FIELD'],
        [{ name: 'a', type: 'decimal', precision: 4, scale: 6 }, 'INVALID_FIELD'],
        [{ name: 'a', type: 'nope' }, 'INVALID_COLLECTION'],
        [{ name: 'id', type: 'string' }, 'DUPLICATE_FIELD'],
      ]
      for (const [field, code] of cases) {
        const res = await t.request('POST', '/api/collections', {
          as: ADMIN,
          body: { slug: 'typed', fields: [field] },
        })
        expect([res.status, codeOf(res.body)]).toEqual([400, code])
      }
      expect(await t.collections.get('main', 'typed')).toBeUndefined()
    },
  )
})
