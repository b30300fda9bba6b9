// The items.* kernel tools run as the caller's principal, with the REST API's permission checks;
// the routes are described in /api/openapi.
import type { Principal } from '@backlex/kernel'
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, type ItemsApp, startItemsApp } from './items-helpers/app.js'
import { createBlog, seedBlog } from './items-helpers/blog.js'

const principal = (given: Partial<Principal>): Principal => ({
  type: 'user',
  id: 'u1',
  userId: 'u1',
  roles: [],
  admin: false,
  ...given,
})

describe.each(dialects.filter((d) => d.available))('items tools on $dialect', (dialect) => {
  let t: ItemsApp
  beforeAll(async () => {
    t = await startItemsApp(dialect)
    await createBlog(t)
    await seedBlog(t)
    await t.permit({
      role: 'reader',
      collection: 'articles',
      action: 'read',
      filter: { status: { _eq: 'published' } },
      fields: ['title', 'views'],
    })
  })
  afterAll(() => t?.close())

  const call = (name: string, input: unknown, as: Partial<Principal>) =>
    t.app.tools.call(name, input, { principal: principal(as), workspace: 'main' })
  const failure = async (promise: Promise<unknown>) => {
    try {
      await promise
    } catch (error) {
      return (error as { code?: string }).code
    }
    return 'no error'
  }

  it('registers agent-actionable tools with annotations', () => {
    const tools = Object.fromEntries(
      t.app.tools
        .list()
        .filter((x) => x.name.startsWith('items.'))
        .map((x) => [x.name, x]),
    )
    expect(Object.keys(tools).sort()).toEqual([
      'items.bulk_update',
      'items.create',
      'items.delete',
      'items.get',
      'items.list',
      'items.update',
    ])
    expect(tools['items.list']?.annotation).toBe('read')
    expect(tools['items.get']?.annotation).toBe('read')
    expect(tools['items.create']?.annotation).toBe('write')
    expect(tools['items.bulk_update']?.annotation).toBe('write')
    expect(tools['items.delete']?.annotation).toBe('destructive')
    expect(tools['items.list']?.inputSchema).toMatchObject({
      properties: { collection: { type: 'string' }, filter: {}, sort: {} },
    })
  })

  it("lists, reads and aggregates with the caller's permissions", async () => {
    expect(
      await call(
        'items.list',
        { collection: 'articles', sort: ['-views'], limit: 2, fields: 'id,title' },
        { roles: ['reader'] },
      ),
    ).toEqual({
      data: [
        { id: 3, title: 'Third' },
        { id: 4, title: 'fourth' },
      ],
    })
    expect(
      await call(
        'items.list',
        { collection: 'articles', filter: { views: { _gt: 10 } }, aggregate: { count: '*' } },
        { roles: ['reader'] },
      ),
    ).toEqual({ data: [{ count: 2 }] })
    expect(
      await call('items.get', { collection: 'articles', key: 1 }, { roles: ['reader'] }),
    ).toEqual({ data: { id: 1, title: 'Hello World', views: 10 } })
    expect(
      await failure(call('items.get', { collection: 'articles', key: 2 }, { roles: ['reader'] })),
    ).toBe('ITEM_NOT_FOUND')
    expect(
      await failure(
        call('items.list', { collection: 'articles', sort: 'secret' }, { roles: ['reader'] }),
      ),
    ).toBe('FIELD_FORBIDDEN')
    expect(
      await failure(
        call('items.list', { collection: 'articles', limit: 'many' }, { roles: ['reader'] }),
      ),
    ).toBe('INVALID_QUERY')
    expect(
      await failure(
        call('items.list', { collection: 'articles', colour: 'red' }, { roles: ['reader'] }),
      ),
    ).toBe('INVALID_QUERY')
    // The tool's own key is checked as any tool input is.
    expect(
      await failure(call('items.list', { collection: '', limit: 'many' }, { roles: ['reader'] })),
    ).toBe('VALIDATION_FAILED')
  })

  it('writes as the caller: creates, updates, bulk updates and deletes', async () => {
    expect(
      await failure(
        call(
          'items.create',
          { collection: 'articles', data: { title: 'x' } },
          { roles: ['reader'] },
        ),
      ),
    ).toBe('FORBIDDEN')
    const readOnlyKey = {
      type: 'apiKey' as const,
      id: 'k1',
      admin: true,
      roles: ['admin'],
      scopes: { readOnly: true, tools: null },
    }
    expect(
      await failure(
        call(
          'items.create',
          { collection: 'articles', data: { title: 'x' } },
          { ...readOnlyKey, admin: false, roles: ['editor'] },
        ),
      ),
    ).toBe('READ_ONLY_KEY')
    const created = (await call(
      'items.create',
      { collection: 'articles', data: [{ title: 'T1' }, { title: 'T2' }], fields: ['id', 'title'] },
      ADMIN,
    )) as { data: { id: number }[] }
    expect(created.data).toEqual([
      { id: 5, title: 'T1' },
      { id: 6, title: 'T2' },
    ])
    expect(
      await call(
        'items.update',
        { collection: 'articles', key: 5, data: { views: 3 }, fields: 'id,views' },
        ADMIN,
      ),
    ).toEqual({ data: { id: 5, views: 3 } })
    expect(
      await call(
        'items.bulk_update',
        {
          collection: 'articles',
          filter: { title: { _starts_with: 'T' } },
          data: { status: 'published' },
          fields: ['id', 'status'],
        },
        ADMIN,
      ),
    ).toEqual({
      data: [
        { id: 3, status: 'published' },
        { id: 5, status: 'published' },
        { id: 6, status: 'published' },
      ],
    })
    expect(
      await failure(
        call(
          'items.bulk_update',
          { collection: 'articles', keys: [1], filter: {}, data: { views: 1 } },
          ADMIN,
        ),
      ),
    ).toBe('VALIDATION_FAILED')
    expect(await call('items.delete', { collection: 'articles', keys: [5, 6] }, ADMIN)).toEqual({
      deleted: [5, 6],
    })
    const activity = await t.sql<{ n: unknown }>(
      `select count(*) as n from backlex_collections_activity where principal_type = 'user'`,
    )
    expect(Number(activity[0]?.n)).toBe(8)
  })

  it('documents the routes in /api/openapi', async () => {
    const res = await t.request<{
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>
    }>('GET', '/api/openapi')
    const paths = res.body.paths
    expect(Object.keys(paths['/api/items/{slug}'] ?? {}).sort()).toEqual([
      'delete',
      'get',
      'patch',
      'post',
    ])
    expect(Object.keys(paths['/api/items/{slug}/{id}'] ?? {}).sort()).toEqual([
      'delete',
      'get',
      'patch',
    ])
    expect(paths['/api/items/{slug}']?.get?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'slug',
        'fields',
        'filter',
        'search',
        'sort',
        'limit',
        'offset',
        'page',
        'meta',
        'aggregate',
        'groupBy',
        'deep',
      ]),
    )
    expect(paths['/api/revisions/{collection}/{id}']).toHaveProperty('get')
    expect(paths['/api/revisions/{id}/revert']).toHaveProperty('post')
    expect(paths['/api/activity']).toHaveProperty('get')
  })
})
