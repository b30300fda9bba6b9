// The MCP endpoint over real HTTP, driven by the official SDK client: initialize, list, call,
// errors, authentication, both endpoints, and the call log (without collections), on each SQL
// dialect.
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
import { NOTES_TABLE } from './notes-plugin.js'

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'curl', version: '0' },
  },
}
const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
}

describe.each(dialectsUnderTest)('MCP over HTTP on $dialect', (dialect) => {
  let t: McpTestServer
  let adminKey: { id: string; secret: string }
  let admin: Client
  const clients: Client[] = []
  const connect = async (bearer: string, path = '/mcp') => {
    const client = await connectHttp(t.url, bearer, path)
    clients.push(client)
    return client
  }
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, ...headers },
      body: JSON.stringify(body),
    })
  const noteCount = async () =>
    Number(
      (
        await t.sql
          .selectFrom(NOTES_TABLE)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst()
      )?.n,
    )

  beforeAll(async () => {
    t = await startMcpServer(await dialect.create())
    adminKey = await t.createKey(t.admin)
    admin = await connect(adminKey.secret)
  })
  afterAll(async () => {
    for (const client of clients) await client.close()
    await t?.close()
  })

  it('initializes with the server name, version, instructions and the tools capability', () => {
    expect(admin.getServerVersion()).toEqual({ name: 'backlex', version: '0.1.0' })
    const capabilities = admin.getServerCapabilities()
    expect(capabilities?.tools).toBeDefined()
    // No @backlex/collections installed: no resources to offer.
    expect(capabilities?.resources).toBeUndefined()
    expect(admin.getInstructions()).toMatch(/runs as the user behind your API key/)
  })

  it('lists every non-admin tool with its JSON Schema and MCP hints at /mcp', async () => {
    const { tools } = await admin.listTools()
    const names = tools.map((tool) => tool.name).sort()
    expect(names).toEqual([
      'api_keys.create',
      'api_keys.list',
      'api_keys.revoke',
      'api_keys.set_guards',
      'notes.create',
      'notes.delete',
      'notes.list',
    ])
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]))
    expect(byName['notes.list']?.annotations).toEqual({
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    })
    expect(byName['notes.create']?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
    })
    expect(byName['notes.delete']?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
    })
    expect(byName['notes.create']?.inputSchema).toMatchObject({
      type: 'object',
      properties: { title: { type: 'string', minLength: 1, maxLength: 200 } },
      required: ['title'],
    })
    expect(byName['notes.list']?.description).toMatch(/notes you may read/)
  })

  it('calls a tool as the key’s principal and returns text and structured JSON', async () => {
    const result = await admin.callTool({ name: 'notes.list', arguments: {} })
    expect(result.isError).toBeFalsy()
    const rows = (resultJson(result) as { data: { id: string; secret: string }[] }).data
    expect(rows.map((r) => r.id)).toEqual(['n1', 'n2', 'n3', 'n4'])
    expect(rows[0]?.secret).toBe('s-ada-1')
    expect(result.structuredContent).toEqual(resultJson(result))
  })

  it('answers invalid arguments with a tool error naming the field, and writes nothing', async () => {
    const before = await noteCount()
    const result = await admin.callTool({ name: 'notes.create', arguments: { title: '' } })
    expect(result.isError).toBe(true)
    expect(resultText(result)).toMatch(/^VALIDATION_FAILED: Invalid tool input: title: /)
    expect(result.structuredContent).toMatchObject({
      errors: [{ extensions: { code: 'VALIDATION_FAILED', issues: [{ path: 'title' }] } }],
    })
    const wrongType = await admin.callTool({ name: 'notes.list', arguments: { limit: 'ten' } })
    expect(wrongType.isError).toBe(true)
    expect(resultText(wrongType)).toMatch(/limit/)
    expect(await noteCount()).toBe(before)
  })

  it('answers an unknown tool with JSON-RPC error -32602', async () => {
    await expect(admin.callTool({ name: 'notes.nope', arguments: {} })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/No tool named "notes.nope"/),
    })
  })

  it('serves admin tools only at /api/admin/mcp, and only to admins', async () => {
    // At /mcp an admin tool is neither listed nor callable.
    const refused = await admin.callTool({ name: 'roles.list', arguments: {} })
    expect(refused.isError).toBe(true)
    expect(resultText(refused)).toMatch(/^MCP_ADMIN_TOOL: .*\/api\/admin\/mcp/)

    const operator = await connect(adminKey.secret, '/api/admin/mcp')
    const { tools } = await operator.listTools()
    const names = tools.map((tool) => tool.name)
    expect(names).toEqual(
      expect.arrayContaining(['roles.list', 'users.list', 'permissions.create', 'notes.list']),
    )
    expect(tools.find((tool) => tool.name === 'permissions.delete')?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
    })
    const roles = await operator.callTool({ name: 'roles.list', arguments: {} })
    expect(roles.isError).toBeFalsy()
    expect((resultJson(roles) as { data: { name: string }[] }).data.map((r) => r.name)).toContain(
      'reader',
    )

    const ada = await t.createKey(t.ada)
    const res = await post('/api/admin/mcp', INITIALIZE, { authorization: `Bearer ${ada.secret}` })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({
      errors: [
        { message: expect.stringMatching(/Only an admin/), extensions: { code: 'FORBIDDEN' } },
      ],
    })
  })

  it('answers 401 with the JSON error envelope without a key, and for a bad or revoked key', async () => {
    const none = await post('/mcp', INITIALIZE)
    expect(none.status).toBe(401)
    expect(await none.json()).toEqual({
      errors: [
        {
          message: expect.stringMatching(/needs an API key/),
          extensions: { code: 'UNAUTHORIZED' },
        },
      ],
    })
    const bad = await post('/mcp', INITIALIZE, {
      authorization: 'Bearer blx_notakeynotakeynotakey',
    })
    expect(bad.status).toBe(401)
    expect(
      ((await bad.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions
        .code,
    ).toBe('INVALID_API_KEY')
    await expect(connectHttp(t.url, 'blx_notakeynotakeynotakey')).rejects.toMatchObject({
      code: 401,
    })

    // A key that worked stops working on the next request once revoked.
    const key = await t.createKey(t.ada)
    const client = await connect(key.secret)
    expect((await client.listTools()).tools.length).toBeGreaterThan(0)
    expect((await t.rest('DELETE', `/api/api-keys/${key.id}`, undefined, t.ada.token)).status).toBe(
      204,
    )
    await expect(client.listTools()).rejects.toMatchObject({
      code: 401,
      message: expect.stringMatching(/INVALID_API_KEY/),
    })
  })

  it('accepts a session token as well as an API key', async () => {
    const client = await connect(t.ada.token)
    const result = await client.callTool({ name: 'notes.list', arguments: {} })
    expect((resultJson(result) as { data: { id: string }[] }).data.map((r) => r.id)).toEqual([
      'n1',
      'n3',
    ])
  })

  it('answers GET and DELETE with 405 (stateless: no stream, no session) and speaks plain JSON', async () => {
    const auth = { authorization: `Bearer ${adminKey.secret}` }
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${t.url}/mcp`, {
        method,
        headers: { ...auth, accept: 'text/event-stream' },
      })
      expect(res.status, method).toBe(405)
      expect(res.headers.get('allow')).toBe('POST')
      const body = (await res.json()) as { errors: { extensions: { code: string } }[] }
      expect(body.errors[0]?.extensions.code).toBe('MCP_METHOD_NOT_ALLOWED')
    }
    // What curl sees: one JSON response, no session id.
    const init = await post('/mcp', INITIALIZE, auth)
    expect(init.status).toBe(200)
    expect(init.headers.get('content-type')).toMatch(/^application\/json/)
    expect(init.headers.get('mcp-session-id')).toBeNull()
    expect(await init.json()).toMatchObject({
      jsonrpc: '2.0',
      id: 1,
      result: { protocolVersion: '2025-06-18', serverInfo: { name: 'backlex' } },
    })
    const call = await post(
      '/mcp',
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'notes.list', arguments: { limit: 1 } },
      },
      { ...auth, 'mcp-protocol-version': '2025-06-18' },
    )
    expect(call.status).toBe(200)
    const body = (await call.json()) as { result: { content: { text: string }[] } }
    expect(JSON.parse(body.result.content[0]?.text ?? '')).toEqual({
      data: [{ id: 'n1', owner: t.ada.userId, title: 'Ada 1', secret: 's-ada-1' }],
    })
  })

  it('without @backlex/collections, logs each call (never its arguments) through the logger', async () => {
    const key = await t.createKey(t.bob)
    const client = await connect(key.secret)
    await client.callTool({ name: 'notes.list', arguments: {} })
    await client.callTool({ name: 'notes.create', arguments: { title: '', secret: 'hunter2' } })
    await client.callTool({ name: 'notes.missing', arguments: {} }).catch(() => {})
    const calls = t.logs.filter((l) => l.message === 'mcp.call' && l.fields?.principalId === key.id)
    expect(
      calls.map((l) => [
        l.level,
        l.fields?.tool,
        l.fields?.endpoint,
        l.fields?.ok,
        l.fields?.error,
      ]),
    ).toEqual([
      ['info', 'notes.list', 'agent', true, null],
      ['info', 'notes.create', 'agent', false, 'VALIDATION_FAILED'],
      ['info', 'notes.missing', 'agent', false, 'MCP_UNKNOWN_TOOL'],
    ])
    for (const call of calls) {
      expect(call.fields).toMatchObject({
        workspace: 'main',
        principalType: 'apiKey',
        userId: t.bob.userId,
        durationMs: expect.any(Number),
      })
      expect(JSON.stringify(call.fields)).not.toContain('hunter2')
    }
    // No table of its own: the plugin has no migrations.
    expect(t.server.kernel.plugins().find((p) => p.name === '@backlex/mcp')?.migrations).toEqual([])
  })
})
