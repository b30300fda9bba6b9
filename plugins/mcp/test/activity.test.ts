// With @backlex/activity installed every tools/call is an `mcp.call` entry of the one activity
// log (GET /api/activity), without its arguments; item writes through the items tools add their
// own item.* entries; a failed log write never fails the call. Both dialects, over real HTTP.
import { type Activity as ActivityEntry, activity } from '@backlex/activity'
import { collections } from '@backlex/collections'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  connectHttp,
  dialectsUnderTest,
  eventually,
  type McpTestServer,
  resultJson,
  resultText,
  startMcpServer,
} from './helpers.js'

describe.each(dialectsUnderTest)('MCP calls in the activity log on $dialect', (dialect) => {
  let t: McpTestServer
  let adminKey: { id: string; secret: string }
  const clients: Client[] = []
  const connect = async (bearer: string, path = '/mcp') => {
    const client = await connectHttp(t.url, bearer, path)
    clients.push(client)
    return client
  }
  /** GET /api/activity with `bearer`, the entries `keep` selects, once there are `count`. */
  const activityOf = async (
    bearer: string,
    keep: (entry: ActivityEntry) => boolean,
    count: number,
    query = '',
  ) =>
    eventually(
      async () => {
        const res = await t.rest('GET', `/api/activity${query}`, undefined, bearer)
        expect(res.status, JSON.stringify(res.body)).toBe(200)
        return (res.body.data as ActivityEntry[]).filter(keep)
      },
      (entries) => entries.length >= count,
    )
  const mcpCallsOf = (keyId: string) => (e: ActivityEntry) =>
    e.action === 'mcp.call' && e.apiKeyId === keyId

  beforeAll(async () => {
    t = await startMcpServer(await dialect.create(), [activity(), collections()])
    adminKey = await t.createKey(t.admin)
    const created = await t.rest(
      'POST',
      '/api/collections',
      { slug: 'tasks', fields: [{ name: 'title', type: 'string', required: true }] },
      t.admin.token,
    )
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    for (const action of ['read', 'create'] as const) {
      const rule = await t.rest(
        'POST',
        '/api/permissions',
        { role: 'reader', collection: 'tasks', action },
        t.admin.token,
      )
      expect(rule.status).toBe(201)
    }
  })
  afterAll(async () => {
    for (const client of clients) await client.close()
    await t?.close()
  })

  it('records a successful call and a tool error, with their detail, for an admin to read', async () => {
    const key = await t.createKey(t.ada)
    const ada = await connect(key.secret)
    const listed = await ada.callTool({ name: 'items.list', arguments: { collection: 'tasks' } })
    expect(listed.isError).toBeFalsy()
    const failed = await ada.callTool({ name: 'items.get', arguments: { collection: 'tasks' } })
    expect(failed.isError).toBe(true)
    expect(resultText(failed)).toMatch(/^VALIDATION_FAILED: /)
    await ada.callTool({ name: 'items.nope', arguments: {} }).catch(() => {})

    const entries = await activityOf(t.admin.token, mcpCallsOf(key.id), 3, '?action=mcp.call')
    expect(entries.map((e) => e.detail)).toEqual([
      {
        tool: 'items.nope',
        endpoint: 'agent',
        ok: false,
        error: 'MCP_UNKNOWN_TOOL',
        durationMs: expect.any(Number),
      },
      {
        tool: 'items.get',
        endpoint: 'agent',
        ok: false,
        error: 'VALIDATION_FAILED',
        durationMs: expect.any(Number),
      },
      {
        tool: 'items.list',
        endpoint: 'agent',
        ok: true,
        error: null,
        durationMs: expect.any(Number),
      },
    ])
    for (const entry of entries) {
      expect(entry).toMatchObject({
        action: 'mcp.call',
        collection: null,
        item: null,
        principalType: 'apiKey',
        userId: t.ada.userId,
        apiKeyId: key.id,
        requestId: expect.stringMatching(/\S/),
        clientAddress: expect.stringMatching(/127\.0\.0\.1/),
      })
      expect(entry.detail?.durationMs).toBeGreaterThanOrEqual(0)
    }
  })

  it('records calls at the admin endpoint as such, and refused calls with their code', async () => {
    const operator = await connect(adminKey.secret, '/api/admin/mcp')
    expect((await operator.callTool({ name: 'roles.list', arguments: {} })).isError).toBeFalsy()
    const readOnly = await t.createKey(t.ada, { readOnly: true })
    const refused = await (await connect(readOnly.secret)).callTool({
      name: 'items.create',
      arguments: { collection: 'tasks', data: { title: 'no' } },
    })
    expect(resultText(refused)).toMatch(/^READ_ONLY_KEY: /)

    const [admin] = await activityOf(t.admin.token, mcpCallsOf(adminKey.id), 1)
    expect(admin?.detail).toMatchObject({ tool: 'roles.list', endpoint: 'admin', ok: true })
    const [denied] = await activityOf(t.admin.token, mcpCallsOf(readOnly.id), 1)
    expect(denied?.detail).toMatchObject({
      tool: 'items.create',
      endpoint: 'agent',
      ok: false,
      error: 'READ_ONLY_KEY',
    })
  })

  it('never stores a call’s arguments or result (they may hold secrets)', async () => {
    const key = await t.createKey(t.bob)
    const bob = await connect(key.secret)
    const created = await bob.callTool({
      name: 'api_keys.create',
      arguments: { name: 'argument-name-4f1c' },
    })
    expect(created.isError).toBeFalsy()
    const secret = (resultJson(created) as { data: { secret: string } }).data.secret
    const [entry] = await activityOf(t.admin.token, mcpCallsOf(key.id), 1)
    expect(entry?.detail).toMatchObject({ tool: 'api_keys.create', ok: true })
    const rows = await t.sql
      .selectFrom('backlex_collections_activity')
      .selectAll()
      .where('api_key_id', '=', key.id)
      .execute()
    expect(rows).toHaveLength(1)
    const stored = JSON.stringify(rows)
    expect(stored).not.toContain('argument-name-4f1c')
    expect(stored).not.toContain(secret)
  })

  it('shows a non-admin key its own MCP calls, never another user’s', async () => {
    const adaKey = await t.createKey(t.ada)
    const bobKey = await t.createKey(t.bob)
    await (await connect(adaKey.secret)).callTool({ name: 'collections.list', arguments: {} })
    await (await connect(bobKey.secret)).callTool({ name: 'collections.list', arguments: {} })
    // Both written (the admin sees both) before asking as Ada.
    await activityOf(t.admin.token, mcpCallsOf(adaKey.id), 1)
    await activityOf(t.admin.token, mcpCallsOf(bobKey.id), 1)

    const seenByAda = await activityOf(adaKey.secret, () => true, 1)
    expect(seenByAda.some(mcpCallsOf(adaKey.id))).toBe(true)
    expect(seenByAda.every((e) => e.userId === t.ada.userId)).toBe(true)
    expect(seenByAda.some((e) => e.apiKeyId === bobKey.id)).toBe(false)
    const seenByBob = await activityOf(bobKey.secret, () => true, 1)
    expect(seenByBob.some(mcpCallsOf(bobKey.id))).toBe(true)
    expect(seenByBob.some((e) => e.userId === t.ada.userId)).toBe(false)
  })

  it('writes the usual item.* entries, with the API key, for items written through the tools', async () => {
    const key = await t.createKey(t.ada)
    const ada = await connect(key.secret)
    const created = await ada.callTool({
      name: 'items.create',
      arguments: { collection: 'tasks', data: [{ title: 'one' }, { title: 'two' }] },
    })
    expect(created.isError).toBeFalsy()
    const ids = (resultJson(created) as { data: { id: number }[] }).data.map((i) => String(i.id))

    const items = await activityOf(
      t.admin.token,
      (e) => e.apiKeyId === key.id && e.action === 'item.create',
      2,
    )
    expect(items.map((e) => e.item).sort()).toEqual(ids.sort())
    for (const entry of items) {
      expect(entry).toMatchObject({
        collection: 'tasks',
        principalType: 'apiKey',
        userId: t.ada.userId,
        clientAddress: expect.stringMatching(/127\.0\.0\.1/),
        detail: null,
      })
    }
    // One request: the call's entry and its items' entries share the request id.
    const [call] = await activityOf(t.admin.token, mcpCallsOf(key.id), 1)
    expect(call?.detail).toMatchObject({ tool: 'items.create', ok: true })
    expect(items.every((e) => e.requestId === call?.requestId)).toBe(true)
    // Ada reads them too: they are hers.
    const own = await activityOf(key.secret, (e) => e.action === 'item.create', 2)
    expect(own.filter((e) => e.apiKeyId === key.id)).toHaveLength(2)
  })

  it('answers the call even when the activity log cannot be written, and logs why', async () => {
    const key = await t.createKey(t.admin)
    const client = await connect(key.secret)
    await t.sql.schema
      .alterTable('backlex_collections_activity')
      .renameTo('activity_away')
      .execute()
    try {
      const result = await client.callTool({ name: 'collections.list', arguments: {} })
      expect(result.isError).toBeFalsy()
      expect((resultJson(result) as { slug: string }[]).map((c) => c.slug)).toEqual(['tasks'])
      const logged = await eventually(
        async () => t.logs.filter((l) => l.message === 'could not record an MCP tool call'),
        (lines) => lines.length > 0,
      )
      expect(logged[0]).toMatchObject({
        level: 'error',
        fields: { tool: 'collections.list', error: expect.any(String) },
      })
    } finally {
      await t.sql.schema
        .alterTable('activity_away')
        .renameTo('backlex_collections_activity')
        .execute()
    }
  })
})
