// Permission filtering of the real @backlex/collections tools over MCP (SDK client, real HTTP),
// held against REST for the same API key: a key of a limited role (a row filter and field limits)
// never gets a row or field REST would hide, hidden rows answer like missing ones, and writes
// outside its rules are tool errors that write nothing. Both dialects.
import { activity } from '@backlex/activity'
import { collections } from '@backlex/collections'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  connectHttp,
  dialectsUnderTest,
  type McpTestServer,
  resultJson,
  resultText,
  startMcpServer,
} from './helpers.js'

type Row = Record<string, unknown>
const errorOf = (result: unknown) =>
  (result as { structuredContent?: { errors?: { extensions: Row }[] } }).structuredContent
    ?.errors?.[0]?.extensions

describe.each(dialectsUnderTest)('items and collections tools, as REST, on $dialect', (dialect) => {
  let t: McpTestServer
  let key: { id: string; secret: string }
  let ada: Client
  let admin: Client
  const clients: Client[] = []
  const connect = async (bearer: string, path = '/mcp') => {
    const client = await connectHttp(t.url, bearer, path)
    clients.push(client)
    return client
  }
  const ok = async (status: Promise<{ status: number; body: unknown }>, expected = 201) => {
    const res = await status
    expect(res.status, JSON.stringify(res.body)).toBe(expected)
    return res
  }
  /** REST as Ada's key. */
  const rest = (method: string, path: string, body?: unknown) =>
    t.rest(method, path, body, key.secret)
  const call = (name: string, args: Row) => ada.callTool({ name, arguments: args })
  /** Every row of articles as the admin sees them: what must not change after refused writes. */
  const everything = async () =>
    (await t.rest('GET', '/api/items/articles?sort=id&limit=-1', undefined, t.admin.token)).body

  beforeAll(async () => {
    t = await startMcpServer(await dialect.create(), [activity(), collections()])
    const asAdmin = (method: string, path: string, body: unknown) =>
      t.rest(method, path, body, t.admin.token)
    await ok(
      asAdmin('POST', '/api/collections', {
        slug: 'articles',
        fields: [
          { name: 'title', type: 'string', required: true },
          { name: 'status', type: 'enum', choices: ['draft', 'published'], default: 'draft' },
          { name: 'owner', type: 'string' },
          { name: 'views', type: 'integer', default: 0 },
          { name: 'secret', type: 'string' },
        ],
      }),
    )
    await ok(
      asAdmin('POST', '/api/collections', {
        slug: 'salaries',
        fields: [{ name: 'amount', type: 'integer' }],
      }),
    )
    const published = { status: { _eq: 'published' } }
    const own = { owner: { _eq: '$CURRENT_USER' } }
    // reader: published articles and their own drafts, without `secret`; changes the title and
    // views of their own; creates drafts owned by them with at most 100 views; deletes nothing.
    await ok(
      asAdmin('POST', '/api/permissions', {
        role: 'reader',
        collection: 'articles',
        action: 'read',
        filter: { _or: [published, own] },
        fields: ['id', 'title', 'status', 'owner', 'views'],
      }),
    )
    await ok(
      asAdmin('POST', '/api/permissions', {
        role: 'reader',
        collection: 'articles',
        action: 'update',
        filter: own,
        fields: ['title', 'views'],
      }),
    )
    await ok(
      asAdmin('POST', '/api/permissions', {
        role: 'reader',
        collection: 'articles',
        action: 'create',
        fields: ['title', 'views'],
        presets: { owner: '$CURRENT_USER', status: 'draft' },
        validation: { views: { _lte: 100 } },
      }),
    )
    const row = (title: string, status: string, owner: string, views: number, secret: string) => ({
      title,
      status,
      owner,
      views,
      secret,
    })
    await ok(
      asAdmin('POST', '/api/items/articles', [
        row('Ada published', 'published', t.ada.userId, 10, 's-alpha'),
        row('Ada draft', 'draft', t.ada.userId, 20, 's-bravo'),
        row('Bob published', 'published', t.bob.userId, 30, 's-charlie'),
        row('Bob draft hiddenword', 'draft', t.bob.userId, 40, 's-delta'),
        row('Admin published', 'published', t.admin.userId, 50, 'zebra'),
      ]),
    )
    await ok(asAdmin('POST', '/api/items/salaries', { amount: 100 }))
    key = await t.createKey(t.ada)
    ada = await connect(key.secret)
    admin = await connect((await t.createKey(t.admin)).secret, '/api/admin/mcp')
  })
  afterAll(async () => {
    for (const client of clients) await client.close()
    await t?.close()
  })

  it('items.list returns exactly the rows and fields GET /api/items returns, for every query', async () => {
    const cases: [Row, string][] = [
      [{}, ''],
      [
        { sort: ['-views'], limit: 2, fields: ['id', 'title'] },
        '?sort=-views&limit=2&fields=id,title',
      ],
      [{ fields: ['*'], page: 2, limit: 2 }, '?fields=*&page=2&limit=2'],
      [
        { filter: { views: { _gte: 20 } }, meta: ['total_count', 'filter_count'] },
        `?filter=${encodeURIComponent('{"views":{"_gte":20}}')}&meta=total_count,filter_count`,
      ],
      [
        { aggregate: { count: '*', sum: ['views'] } },
        `?aggregate=${encodeURIComponent('{"count":"*","sum":["views"]}')}`,
      ],
      [
        { aggregate: { count: '*' }, groupBy: ['status'] },
        `?aggregate=${encodeURIComponent('{"count":"*"}')}&groupBy=status`,
      ],
      [{ search: 'hiddenword' }, '?search=hiddenword'],
      [{ search: 'zebra' }, '?search=zebra'],
      [{ search: 'published', sort: ['id'] }, '?search=published&sort=id'],
    ]
    for (const [args, query] of cases) {
      const viaMcp = await call('items.list', { collection: 'articles', ...args })
      expect(viaMcp.isError, query).toBeFalsy()
      const viaRest = await rest('GET', `/api/items/articles${query}`)
      expect(viaRest.status, query).toBe(200)
      expect(resultJson(viaMcp), query).toEqual(viaRest.body)
    }

    // What that means: Bob's draft never shows, `secret` never leaves the server, and counts,
    // sums and searches only cover the rows Ada may read.
    const all = resultJson(await call('items.list', { collection: 'articles', sort: ['id'] }))
    const rows = (all as { data: Row[] }).data
    expect(rows.map((r) => r.title)).toEqual([
      'Ada published',
      'Ada draft',
      'Bob published',
      'Admin published',
    ])
    for (const r of rows)
      expect(Object.keys(r).sort()).toEqual(['id', 'owner', 'status', 'title', 'views'])
    const counted = await call('items.list', {
      collection: 'articles',
      filter: { views: { _gte: 20 } },
      meta: ['total_count', 'filter_count'],
    })
    expect((resultJson(counted) as { meta: Row }).meta).toEqual({ total_count: 4, filter_count: 3 })
    const summed = await call('items.list', {
      collection: 'articles',
      aggregate: { count: '*', sum: ['views'] },
    })
    expect(resultJson(summed)).toEqual({ data: [{ count: 4, sum: { views: 110 } }] })
    for (const search of ['hiddenword', 'zebra', 's-delta']) {
      const found = await call('items.list', { collection: 'articles', search })
      expect(resultJson(found), search).toEqual({ data: [] })
    }
  })

  it('refuses to filter, sort, aggregate, group or select by a hidden field, as REST does', async () => {
    const cases: [Row, string][] = [
      [{ fields: ['id', 'secret'] }, '?fields=id,secret'],
      [{ sort: ['secret'] }, '?sort=secret'],
      [
        { filter: { secret: { _eq: 's-delta' } } },
        `?filter=${encodeURIComponent('{"secret":{"_eq":"s-delta"}}')}`,
      ],
      [
        { aggregate: { max: ['secret'] } },
        `?aggregate=${encodeURIComponent('{"max":["secret"]}')}`,
      ],
      [
        { aggregate: { count: '*' }, groupBy: ['secret'] },
        `?aggregate=${encodeURIComponent('{"count":"*"}')}&groupBy=secret`,
      ],
    ]
    for (const [args, query] of cases) {
      const viaMcp = await call('items.list', { collection: 'articles', ...args })
      expect(viaMcp.isError, query).toBe(true)
      expect(resultText(viaMcp), query).toMatch(/^FIELD_FORBIDDEN: .*"secret"/)
      const viaRest = await rest('GET', `/api/items/articles${query}`)
      expect(viaRest.status, query).toBe(403)
      expect(viaRest.body.errors[0].extensions.code, query).toBe('FIELD_FORBIDDEN')
      expect(errorOf(viaMcp), query).toEqual(viaRest.body.errors[0].extensions)
    }
    // Not even the admin-only collection: no rule at all.
    const salaries = await call('items.list', { collection: 'salaries' })
    expect(resultText(salaries)).toMatch(/^FORBIDDEN: /)
    expect((await rest('GET', '/api/items/salaries')).status).toBe(403)
  })

  it('items.get returns what REST returns, and a hidden row is "not found" like a missing one', async () => {
    const one = await call('items.get', { collection: 'articles', key: 1 })
    expect(resultJson(one)).toEqual((await rest('GET', '/api/items/articles/1')).body)
    expect(resultJson(one)).not.toHaveProperty('data.secret')
    const narrowed = await call('items.get', { collection: 'articles', key: '1', fields: 'title' })
    expect(resultJson(narrowed)).toEqual({ data: { title: 'Ada published' } })

    const hidden = await call('items.get', { collection: 'articles', key: 4 })
    const missing = await call('items.get', { collection: 'articles', key: 999 })
    expect(hidden.isError && missing.isError).toBe(true)
    expect(resultText(hidden)).toBe('ITEM_NOT_FOUND: No item "4" in "articles".')
    expect(resultText(missing)).toBe('ITEM_NOT_FOUND: No item "999" in "articles".')
    expect(errorOf(hidden)).toEqual({ ...errorOf(missing), key: '4' })
    for (const id of [4, 999]) {
      const viaRest = await rest('GET', `/api/items/articles/${id}`)
      expect(viaRest.status).toBe(404)
      expect(viaRest.body.errors[0].extensions).toEqual(errorOf(id === 4 ? hidden : missing))
    }
    const secret = await call('items.get', { collection: 'articles', key: 1, fields: ['secret'] })
    expect(resultText(secret)).toMatch(/^FIELD_FORBIDDEN: /)
  })

  it('refuses writes outside the rules with a tool error and a stable code, writing nothing', async () => {
    const before = await everything()
    const refusals: [string, Row, string][] = [
      // Visible but not Ada's: 403; hidden: 404, as for a missing row.
      [
        'items.update',
        { collection: 'articles', key: 3, data: { title: 'mine now' } },
        'FORBIDDEN',
      ],
      [
        'items.update',
        { collection: 'articles', key: 4, data: { title: 'found you' } },
        'ITEM_NOT_FOUND',
      ],
      [
        'items.update',
        { collection: 'articles', key: 1, data: { secret: 'x' } },
        'FIELD_FORBIDDEN',
      ],
      [
        'items.update',
        { collection: 'articles', key: 1, data: { status: 'draft' } },
        'FIELD_FORBIDDEN',
      ],
      // All or nothing: her own row 1 is not changed either.
      [
        'items.bulk_update',
        { collection: 'articles', keys: [1, 3], data: { views: 1 } },
        'FORBIDDEN',
      ],
      [
        'items.create',
        { collection: 'articles', data: { title: 'n', secret: 'x' } },
        'FIELD_FORBIDDEN',
      ],
      [
        'items.create',
        { collection: 'articles', data: { title: 'n', views: 1000 } },
        'ITEM_VALIDATION_FAILED',
      ],
      [
        'items.create',
        { collection: 'articles', data: [{ title: 'fine' }, { title: 'too many', views: 101 }] },
        'ITEM_VALIDATION_FAILED',
      ],
      ['items.create', { collection: 'salaries', data: { amount: 1 } }, 'FORBIDDEN'],
      ['items.delete', { collection: 'articles', keys: [1] }, 'FORBIDDEN'],
      ['items.delete', { collection: 'articles', filter: { views: { _gt: 0 } } }, 'FORBIDDEN'],
      // Schema changes are admin tools (not served at /mcp) or need an admin.
      ['collections.create', { slug: 'mine', fields: [] }, 'MCP_ADMIN_TOOL'],
      [
        'collections.update',
        { slug: 'articles', fields: [{ name: 'x', type: 'string' }] },
        'MCP_ADMIN_TOOL',
      ],
      ['collections.delete', { slug: 'articles' }, 'MCP_ADMIN_TOOL'],
    ]
    for (const [name, args, code] of refusals) {
      const result = await call(name, args)
      const label = `${name} ${JSON.stringify(args)}`
      expect(result.isError, label).toBe(true)
      expect(resultText(result), label).toMatch(new RegExp(`^${code}: `))
      expect(errorOf(result)?.code, label).toBe(code)
    }
    // REST gives the same codes for the same writes.
    expect((await rest('PATCH', '/api/items/articles/3', { title: 'mine now' })).status).toBe(403)
    expect((await rest('PATCH', '/api/items/articles/4', { title: 'found you' })).status).toBe(404)
    expect((await rest('DELETE', '/api/items/articles/1')).status).toBe(403)

    expect(await everything()).toEqual(before)
    const collectionsLeft = resultJson(
      await admin.callTool({ name: 'collections.list', arguments: {} }),
    )
    expect((collectionsLeft as { slug: string }[]).map((c) => c.slug).sort()).toEqual([
      'articles',
      'salaries',
    ])
    const writes = await t.sql
      .selectFrom('backlex_collections_activity')
      .select('action')
      .where('api_key_id', '=', key.id)
      .where('action', 'like', 'item.%')
      .execute()
    expect(writes).toEqual([])
  })

  it('writes what the rules allow, and answers with only the fields Ada may read', async () => {
    const created = await call('items.create', { collection: 'articles', data: { title: 'New' } })
    expect(created.isError).toBeFalsy()
    const item = (resultJson(created) as { data: Row }).data
    expect(item).toMatchObject({ title: 'New', status: 'draft', owner: t.ada.userId, views: 0 })
    expect(item).not.toHaveProperty('secret')

    // A bulk update by filter changes only the rows she may change (her own), never Bob's.
    const bulk = await call('items.bulk_update', {
      collection: 'articles',
      filter: { status: { _eq: 'published' } },
      data: { views: 11 },
    })
    expect((resultJson(bulk) as { data: Row[] }).data.map((r) => r.title)).toEqual([
      'Ada published',
    ])
    const views = (await everything()).data.map((r: Row) => [r.title, r.views])
    expect(views).toEqual(
      expect.arrayContaining([
        ['Ada published', 11],
        ['Bob published', 30],
        ['Admin published', 50],
      ]),
    )
  })

  it('collections tools show only the collections and fields Ada may read', async () => {
    const listed = resultJson(await call('collections.list', {})) as {
      slug: string
      fields: { name: string }[]
    }[]
    expect(listed.map((c) => c.slug)).toEqual(['articles'])
    expect(listed[0]?.fields.map((f) => f.name)).toEqual(['title', 'status', 'owner', 'views'])
    const got = resultJson(await call('collections.get', { slug: 'articles' }))
    expect(got).toEqual(listed[0])
    const fields = resultJson(await call('collections.fields', { slug: 'articles' })) as {
      name: string
    }[]
    expect(fields.map((f) => f.name)).toEqual(['id', 'title', 'status', 'owner', 'views'])

    const hidden = await call('collections.get', { slug: 'salaries' })
    const missing = await call('collections.get', { slug: 'nothing' })
    expect(resultText(hidden)).toBe(resultText(missing).replace('nothing', 'salaries'))
    expect(resultText(hidden)).toMatch(/^COLLECTION_NOT_FOUND: /)
    expect(resultText(await call('collections.fields', { slug: 'salaries' }))).toMatch(
      /^COLLECTION_NOT_FOUND: /,
    )
    // The admin sees everything, `secret` included.
    const full = resultJson(
      await admin.callTool({ name: 'collections.get', arguments: { slug: 'articles' } }),
    )
    expect((full as { fields: { name: string }[] }).fields.map((f) => f.name)).toContain('secret')
  })

  it('serves every tool the issue names, each with a description an agent can act on', async () => {
    const { tools } = await admin.listTools()
    const names = tools.map((tool) => tool.name)
    expect(names).toEqual(
      expect.arrayContaining([
        'collections.list',
        'collections.get',
        'collections.create',
        'collections.update',
        'collections.delete',
        'collections.fields',
        'items.list',
        'items.get',
        'items.create',
        'items.update',
        'items.delete',
        'items.bulk_update',
        'permissions.list',
        'permissions.create',
        'permissions.update',
        'permissions.delete',
        'roles.list',
        'roles.create',
        'roles.update',
        'roles.delete',
        'api_keys.list',
        'api_keys.create',
        'api_keys.revoke',
      ]),
    )
    for (const tool of tools) {
      // What it does, in a sentence or more, and every input described by its schema.
      expect(tool.description?.length ?? 0, tool.name).toBeGreaterThanOrEqual(40)
      expect(tool.inputSchema.type, tool.name).toBe('object')
    }
    // The query language is in items.list's schema and description.
    const list = tools.find((tool) => tool.name === 'items.list')
    expect(Object.keys(list?.inputSchema.properties ?? {}).sort()).toEqual(
      [
        'aggregate',
        'collection',
        'deep',
        'fields',
        'filter',
        'groupBy',
        'limit',
        'meta',
        'offset',
        'page',
        'search',
        'sort',
      ].sort(),
    )
    expect(list?.description).toMatch(/_eq/)
  })
})
