// How the schema reaches other parts of backlex, on both dialects: permission filters that
// follow m2o / o2m / m2m relations (compiled to SQL and run), /api/openapi, and the tools.
import type { Principal } from '@backlex/kernel'
import { Permissions } from '@backlex/permissions'
import { dialects } from '@backlex/test-utils'
import { validate } from '@readme/openapi-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, codeOf, startApp, type TestApp } from './helpers.js'

const editor: Principal = { type: 'user', id: 'u1', userId: 'u1', roles: ['editor'], admin: false }
const admin: Principal = { type: 'user', id: 'a1', userId: 'a1', roles: ['admin'], admin: true }

describe.each(dialects)('collections and the rest of backlex on $dialect', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    if (!dialect.available) return
    t = await startApp(dialect)
    const c = t.collections
    await c.create('main', { slug: 'people', fields: [{ name: 'country', type: 'string' }] })
    await c.create('main', {
      slug: 'labels',
      primaryKey: { name: 'id', type: 'uuid' },
      fields: [{ name: 'name', type: 'string' }],
    })
    await c.create('main', {
      slug: 'stories',
      fields: [
        { name: 'title', type: 'string', required: true },
        { name: 'published', type: 'boolean' },
        { name: 'status', type: 'enum', choices: ['draft', 'live'] },
      ],
      relations: [
        { type: 'm2o', field: 'author', collection: 'people' },
        { type: 'm2m', field: 'labels', collection: 'labels' },
      ],
    })
    await c.update('main', 'people', {
      relations: [{ type: 'o2m', field: 'stories', collection: 'stories', foreignKey: 'author' }],
    })
    await t.query(`insert into c_main_people (country) values ('fr'), ('de')`)
    await t.query(
      `insert into c_main_labels (id, name) values ('00000000-0000-4000-8000-000000000001', 'news'), ('00000000-0000-4000-8000-000000000002', 'sport')`,
    )
    await t.query(
      `insert into c_main_stories (title, author) values ('s1', 1), ('s2', 2), ('s3', 1)`,
    )
    await t.query(
      `insert into c_main_stories_labels (stories_id, labels_id) values (1, '00000000-0000-4000-8000-000000000001'), (2, '00000000-0000-4000-8000-000000000002')`,
    )
  })
  afterAll(async () => {
    await t?.close()
  })

  /** Stores a read rule for `editor`, then runs its compiled SQL over `table`. */
  async function titlesMatching(
    collection: string,
    filter: Record<string, unknown>,
    column = 'title',
  ) {
    const permissions = t.app.get(Permissions)
    const existing = await permissions.list('main', { role: 'editor', collection })
    for (const rule of existing) await permissions.remove('main', rule.id)
    await permissions.create('main', { role: 'editor', collection, action: 'read', filter })
    const rules = await permissions.rulesFor(editor, {
      workspace: 'main',
      collection,
      action: 'read',
    })
    const table = `c_main_${collection}`
    const where = rules?.filter?.toSql(permissions.variables(editor), { table })
    if (!where) throw new Error('no filter')
    const rows = await t.db.db
      .selectFrom(table)
      .select(column)
      .where(where)
      .orderBy(column)
      .execute()
    return rows.map((r) => (r as Record<string, unknown>)[column])
  }

  it.skipIf(!dialect.available)(
    'permission filters follow m2o, o2m and m2m relations',
    async () => {
      expect(await titlesMatching('stories', { author: { country: { _eq: 'fr' } } })).toEqual([
        's1',
        's3',
      ])
      expect(await titlesMatching('stories', { author: { _eq: 2 } })).toEqual(['s2'])
      expect(
        await titlesMatching('people', { stories: { _some: { title: { _eq: 's2' } } } }, 'country'),
      ).toEqual(['de'])
      expect(await titlesMatching('people', { stories: { _none: {} } }, 'country')).toEqual([])
      expect(
        await titlesMatching('stories', {
          labels: { _some: { labels_id: { name: { _eq: 'news' } } } },
        }),
      ).toEqual(['s1'])
    },
  )

  it.skipIf(!dialect.available)(
    'permission rules are checked against the collection schema',
    async () => {
      const bad = await t.request('POST', '/api/permissions', {
        as: ADMIN,
        body: {
          role: 'viewer',
          collection: 'stories',
          action: 'read',
          filter: { nope: { _eq: 1 } },
        },
      })
      expect([bad.status, codeOf(bad.body)]).toEqual([400, 'INVALID_FILTER'])
      const typed = await t.request('POST', '/api/permissions', {
        as: ADMIN,
        body: {
          role: 'viewer',
          collection: 'stories',
          action: 'read',
          filter: { published: { _eq: 'yes' } },
        },
      })
      expect([typed.status, codeOf(typed.body)]).toEqual([400, 'INVALID_FILTER'])
    },
  )

  it.skipIf(!dialect.available)(
    'adds valid per-collection schemas and item paths to /api/openapi',
    async () => {
      const res = await t.request('GET', '/api/openapi', { as: ADMIN })
      expect(res.status).toBe(200)
      const doc = res.body as {
        paths: Record<string, Record<string, unknown>>
        components: { schemas: Record<string, unknown> }
      }
      const result = await validate(structuredClone(doc) as never)
      expect(result.valid ? [] : result.errors).toEqual([])
      expect(doc.components.schemas.Item_stories).toMatchObject({
        type: 'object',
        required: ['id'],
        properties: {
          id: { type: 'integer', readOnly: true },
          title: { type: 'string', maxLength: 255 },
          status: { anyOf: [{ type: 'string', enum: ['draft', 'live'] }, { type: 'null' }] },
          labels: { type: 'array' },
        },
      })
      expect(doc.components.schemas.ItemInput_labels).toMatchObject({
        properties: { id: { type: 'string', format: 'uuid' }, name: {} },
      })
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/collections',
          '/api/collections/{slug}',
          '/api/admin/adopt/inspect',
        ]),
      )
      // Per-collection item paths, shaped like the generic items routes (their query parameters).
      const list = doc.paths['/api/items/stories']?.get as { parameters: { name: string }[] }
      expect(list.parameters.map((p) => p.name)).toEqual(
        expect.arrayContaining(['filter', 'sort', 'fields']),
      )
      const byId = doc.paths['/api/items/stories/{id}']?.get as {
        parameters: { name: string; schema: unknown }[]
      }
      expect(byId.parameters[0]).toMatchObject({ name: 'id', schema: { type: 'integer' } })
      expect(Object.keys(doc.paths['/api/items/stories/{id}'] ?? {})).toEqual([
        'get',
        'patch',
        'delete',
      ])
      const post = doc.paths['/api/collections']?.post as {
        requestBody: { content: Record<string, { schema: unknown }> }
      }
      expect(JSON.stringify(post.requestBody.content['application/json']?.schema)).toContain(
        'adopted',
      )
    },
  )

  it.skipIf(!dialect.available)(
    '/api/openapi shows each caller only the collections, fields and operations it may use',
    async () => {
      type Doc = {
        paths: Record<string, Record<string, unknown>>
        components: { schemas: Record<string, { properties?: Record<string, unknown> }> }
      }
      const permissions = t.app.get(Permissions)
      const role = 'openapi_reader'
      await permissions.create('main', {
        role,
        collection: 'stories',
        action: 'read',
        fields: ['title', 'author'],
      })
      await permissions.create('main', {
        role,
        collection: 'stories',
        action: 'create',
        fields: ['title'],
      })
      const doc = async (as?: Partial<Principal>) => {
        const res = await t.request('GET', '/api/openapi', as ? { as } : {})
        expect(res.status).toBe(200)
        const body = res.body as Doc
        const result = await validate(structuredClone(body) as never)
        expect(result.valid ? [] : result.errors).toEqual([])
        return body
      }
      const itemSchemas = (d: Doc) =>
        Object.keys(d.components.schemas).filter((k) => k.startsWith('Item'))
      const itemPaths = (d: Doc) =>
        Object.keys(d.paths).filter((p) => p.startsWith('/api/items/') && !p.includes('{slug}'))

      // Anonymous callers (no rules at all) learn of no collection.
      const anonymous = await doc()
      expect(itemSchemas(anonymous)).toEqual([])
      expect(itemPaths(anonymous)).toEqual([])
      expect(anonymous.paths['/api/items/{slug}']).toBeDefined() // the generic routes stay

      const limited = await doc({ id: 'u-openapi', roles: [role] })
      expect(itemSchemas(limited).sort()).toEqual(['ItemInput_stories', 'Item_stories'])
      const item = limited.components.schemas.Item_stories
      expect(Object.keys(item?.properties ?? {})).toEqual(['id', 'title', 'author'])
      // people is not readable: the relation is described by its key, without a $ref.
      expect(JSON.stringify(item?.properties?.author)).not.toContain('$ref')
      const input = limited.components.schemas.ItemInput_stories
      expect(Object.keys(input?.properties ?? {})).toEqual(['title'])
      expect(itemPaths(limited).sort()).toEqual(['/api/items/stories', '/api/items/stories/{id}'])
      expect(Object.keys(limited.paths['/api/items/stories'] ?? {})).toEqual(['get', 'post'])
      expect(Object.keys(limited.paths['/api/items/stories/{id}'] ?? {})).toEqual(['get'])

      for (const rule of await permissions.list('main', { role })) {
        await permissions.remove('main', rule.id)
      }
      expect(itemSchemas(await doc({ id: 'u-openapi', roles: [role] }))).toEqual([])
    },
  )

  it.skipIf(!dialect.available)(
    'tools: reading shows only what the caller may read; changing needs an admin',
    async () => {
      const call = (name: string, input: unknown, principal: Principal) =>
        t.app.tools.call(name, input, { principal, workspace: 'main' })
      const all = (await call('collections.list', {}, admin)) as { slug: string }[]
      expect(all.map((c) => c.slug)).toEqual(['labels', 'people', 'stories'])
      const permissions = t.app.get(Permissions)
      for (const rule of await permissions.list('main', { role: 'editor' }))
        await permissions.remove('main', rule.id)
      await permissions.create('main', {
        role: 'editor',
        collection: 'stories',
        action: 'read',
        fields: ['title'],
      })
      const visible = (await call('collections.list', {}, editor)) as {
        slug: string
        fields: { name: string }[]
      }[]
      expect(visible.map((c) => [c.slug, c.fields.map((f) => f.name)])).toEqual([
        ['stories', ['title']],
      ])
      await expect(call('collections.get', { slug: 'people' }, editor)).rejects.toMatchObject({
        code: 'COLLECTION_NOT_FOUND',
      })
      expect(await call('collections.fields', { slug: 'stories' }, admin)).toEqual(
        expect.arrayContaining([
          { name: 'id', type: 'integer', primaryKey: true },
          { name: 'status', type: 'enum', required: false, choices: ['draft', 'live'] },
          { name: 'author', relation: 'm2o', collection: 'people' },
        ]),
      )
      await expect(call('collections.create', { slug: 'x' }, editor)).rejects.toMatchObject({
        code: 'FORBIDDEN',
      })
      await expect(call('collections.delete', { slug: 'labels' }, editor)).rejects.toMatchObject({
        code: 'FORBIDDEN',
      })
      const created = (await call(
        'collections.create',
        { slug: 'memos', fields: [{ name: 'body', type: 'text' }] },
        admin,
      )) as { table: string }
      expect(created.table).toBe('c_main_memos')
      const updated = (await call(
        'collections.update',
        { slug: 'memos', fields: [{ name: 'pinned', type: 'boolean' }] },
        admin,
      )) as { fields: unknown[] }
      expect(updated.fields).toHaveLength(2)
      expect(await call('collections.delete', { slug: 'memos' }, admin)).toEqual({
        slug: 'memos',
        result: 'dropped',
      })
      const names = t.app.tools.list().filter((x) => x.name.startsWith('collections.'))
      expect(Object.fromEntries(names.map((x) => [x.name, x.annotation]))).toEqual({
        'collections.list': 'read',
        'collections.get': 'read',
        'collections.fields': 'read',
        'collections.create': 'admin',
        'collections.update': 'admin',
        'collections.delete': 'admin',
      })
    },
  )
})
