// The MCP surface of the security review, with the real @backlex/collections over real HTTP and
// the SDK client, on both dialects: a list whose rows query fails after its counts started leaves
// no unhandled rejection; deep filters in items.list and items.bulk_update are refused; the
// collections tools and resources show a non-admin only what its rules let it read.
import { activity } from '@backlex/activity'
import { collections } from '@backlex/collections'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  connectHttp,
  dialectsUnderTest,
  type McpTestServer,
  resultJson,
  startMcpServer,
} from './helpers.js'

type Row = Record<string, unknown>
const errorCode = (result: unknown) =>
  (result as { structuredContent?: { errors?: { extensions: Row }[] } }).structuredContent
    ?.errors?.[0]?.extensions?.code

/** A filter `levels` `_and`s deep (JSON text, parsed: no recursion in the test). */
const deep = (levels: number) =>
  JSON.parse(`${'{"_and":['.repeat(levels)}{"title":{"_neq":"x"}}${']}'.repeat(levels)}`) as Row

describe.each(dialectsUnderTest)('MCP security on $dialect', (dialect) => {
  let t: McpTestServer
  let ada: Client
  let admin: Client
  let adaKey = ''
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => {
    unhandled.push(reason)
  }
  const ok = async (res: Promise<{ status: number; body: unknown }>) => {
    const done = await res
    expect(done.status, JSON.stringify(done.body)).toBeLessThan(300)
  }
  const articles = async () =>
    (await t.rest('GET', '/api/items/articles?sort=id', undefined, t.admin.token)).body

  beforeAll(async () => {
    t = await startMcpServer(await dialect.create(), [activity(), collections()])
    const asAdmin = (method: string, path: string, body: unknown) =>
      t.rest(method, path, body, t.admin.token)
    await ok(
      asAdmin('POST', '/api/collections', {
        slug: 'people',
        fields: [{ name: 'name', type: 'string' }],
      }),
    )
    await ok(
      asAdmin('POST', '/api/collections', {
        slug: 'articles',
        fields: [
          { name: 'title', type: 'string' },
          { name: 'secret', type: 'string' },
        ],
        relations: [{ type: 'm2o', field: 'author', collection: 'people' }],
      }),
    )
    await ok(
      asAdmin('POST', '/api/collections', {
        slug: 'doomed',
        fields: [{ name: 'title', type: 'string' }],
      }),
    )
    for (const [collection, fields] of [
      ['articles', ['title', 'author']],
      ['doomed', '*'],
    ] as const) {
      await ok(
        asAdmin('POST', '/api/permissions', { role: 'reader', collection, action: 'read', fields }),
      )
    }
    await ok(
      asAdmin('POST', '/api/permissions', {
        role: 'reader',
        collection: 'articles',
        action: 'update',
      }),
    )
    await ok(asAdmin('POST', '/api/items/people', { name: 'Ada' }))
    await ok(
      asAdmin('POST', '/api/items/articles', [{ title: 'one', author: 1 }, { title: 'two' }]),
    )
    await ok(asAdmin('POST', '/api/items/doomed', { title: 'x' }))
    adaKey = (await t.createKey(t.ada)).secret
    ada = await connectHttp(t.url, adaKey)
    admin = await connectHttp(t.url, (await t.createKey(t.admin)).secret, '/api/admin/mcp')
    process.on('unhandledRejection', onUnhandled)
  })
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled)
    await ada?.close()
    await admin?.close()
    await t?.close()
  })

  it('answers items.list with meta over a failing rows query with a tool error, nothing unhandled', async () => {
    // Warm every cache, then drop the table behind the collections service's back.
    expect(
      errorCode(await ada.callTool({ name: 'items.list', arguments: { collection: 'doomed' } })),
    ).toBe(undefined)
    await sql.raw('drop table c_main_doomed').execute(t.sql)
    const result = await ada.callTool({
      name: 'items.list',
      arguments: { collection: 'doomed', meta: ['*'] },
    })
    expect(result.isError).toBe(true)
    expect(errorCode(result)).toBe('INTERNAL_ERROR')
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(unhandled).toEqual([])
    // Still serving.
    const alive = await ada.callTool({ name: 'items.list', arguments: { collection: 'articles' } })
    expect(alive.isError).toBeFalsy()
  })

  it('refuses deep filters in items.list and items.bulk_update; nothing is written', async () => {
    const before = await articles()
    const calls = (filter: Row) => [
      ada.callTool({ name: 'items.list', arguments: { collection: 'articles', filter } }),
      ada.callTool({
        name: 'items.bulk_update',
        arguments: { collection: 'articles', filter, data: { title: 'gone' } },
      }),
    ]
    // Within any JSON nesting limit of the HTTP layer, past the filter's: the parser refuses.
    for (const call of calls(deep(20))) {
      const result = await call
      expect(result.isError).toBe(true)
      expect(errorCode(result)).toBe('INVALID_FILTER')
    }
    // Thousands of levels, sent as raw JSON-RPC (the SDK client's JSON.stringify itself
    // overflows on such input): a tool error or the HTTP layer's refusal, never an internal error.
    const text = `${'{"_and":['.repeat(5000)}{"title":{"_neq":"x"}}${']}'.repeat(5000)}`
    for (const [name, extra] of [
      ['items.list', ''],
      ['items.bulk_update', ',"data":{"title":"gone"}'],
    ]) {
      const res = await fetch(`${t.url}/mcp`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${adaKey}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"${name}","arguments":{"collection":"articles","filter":${text}${extra}}}}`,
      })
      const body = (await res.json()) as { result?: unknown; errors?: { extensions: Row }[] }
      const code = body.result ? errorCode(body.result) : body.errors?.[0]?.extensions.code
      expect(code, JSON.stringify(body).slice(0, 300)).toMatch(/^(INVALID_FILTER|JSON_TOO_DEEP)$/)
    }
    expect(await articles()).toEqual(before)
  })

  it('shows a non-admin only readable collections, fields and relation targets, no tables', async () => {
    const listed = resultJson(
      await ada.callTool({ name: 'collections.list', arguments: {} }),
    ) as Row[]
    expect(listed.map((c) => c.slug).sort()).toEqual(['articles', 'doomed'])
    const text = JSON.stringify(listed)
    expect(text).not.toMatch(/c_main_|"table"|secret|people/)
    const one = resultJson(
      await ada.callTool({ name: 'collections.get', arguments: { slug: 'articles' } }),
    ) as { fields: Row[]; relations: Row[] }
    expect(one.fields.map((f) => f.name)).toEqual(['title'])
    // `author` is readable, but leads to people, which the reader may not read.
    expect(one.relations).toEqual([{ type: 'm2o', field: 'author' }])
    const hidden = await ada.callTool({ name: 'collections.get', arguments: { slug: 'people' } })
    expect(errorCode(hidden)).toBe('COLLECTION_NOT_FOUND')
    const full = resultJson(
      await admin.callTool({ name: 'collections.get', arguments: { slug: 'articles' } }),
    ) as Row
    expect(full.table).toBe('c_main_articles')
  })

  it('draws the collection resources the same way', async () => {
    const { resources } = await ada.listResources()
    expect(resources.map((r) => r.name).sort()).toEqual(['articles', 'doomed'])
    const { contents } = await ada.readResource({ uri: 'backlex://collections/articles' })
    const schema = JSON.parse((contents[0] as { text: string }).text) as Row
    expect(JSON.stringify(schema)).not.toMatch(/c_main_|"table"|secret|people/)
    await expect(ada.readResource({ uri: 'backlex://collections/people' })).rejects.toMatchObject({
      code: -32002,
    })
    const { contents: adminContents } = await admin.readResource({
      uri: 'backlex://collections/articles',
    })
    expect(JSON.parse((adminContents[0] as { text: string }).text).table).toBe('c_main_articles')
  })
})
