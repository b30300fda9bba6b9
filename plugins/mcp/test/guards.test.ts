// Per-key MCP guards (set with PATCH /api/api-keys/:id/mcp-guards) and permission filtering:
// each call runs as the key's principal, so rows and fields are those REST would return.
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

type Note = { id: string; owner: string; title: string; secret?: string }
const notesOf = (result: unknown) => (resultJson(result) as { data: Note[] }).data

describe.each(dialectsUnderTest)('MCP guards and permissions on $dialect', (dialect) => {
  let t: McpTestServer
  const clients: Client[] = []
  const connect = async (bearer: string) => {
    const client = await connectHttp(t.url, bearer)
    clients.push(client)
    return client
  }
  const toolNames = async (client: Client) =>
    (await client.listTools()).tools.map((tool) => tool.name).sort()
  const setGuards = async (keyId: string, guards: Record<string, unknown>) => {
    const res = await t.rest('PATCH', `/api/api-keys/${keyId}/mcp-guards`, guards, t.ada.token)
    expect(res.status).toBe(200)
    return res.body.data
  }
  const notesOwnedBy = (owner: string) =>
    t.sql.selectFrom(NOTES_TABLE).select('id').where('owner', '=', owner).execute()

  beforeAll(async () => {
    t = await startMcpServer(await dialect.create())
  })
  afterAll(async () => {
    for (const client of clients) await client.close()
    await t?.close()
  })

  it('a read-only key sees and calls only read tools; writes are refused and write nothing', async () => {
    const key = await t.createKey(t.ada)
    const client = await connect(key.secret)
    expect(await toolNames(client)).toContain('notes.create')

    expect(await setGuards(key.id, { readOnly: true })).toMatchObject({
      readOnly: true,
      tools: null,
    })
    // Stateless: the same connection sees the new guards on its next request.
    expect(await toolNames(client)).toEqual(['api_keys.list', 'notes.list'])
    const before = await notesOwnedBy(t.ada.userId)
    for (const [name, args] of [
      ['notes.create', { title: 'not allowed' }],
      ['notes.delete', { id: 'n1' }],
      ['api_keys.revoke', { id: key.id }],
    ] as const) {
      const result = await client.callTool({ name, arguments: args })
      expect(result.isError, name).toBe(true)
      expect(resultText(result)).toMatch(/^READ_ONLY_KEY: This API key is read-only/)
    }
    expect(await notesOwnedBy(t.ada.userId)).toEqual(before)
    const listed = await client.callTool({ name: 'notes.list', arguments: {} })
    expect(listed.isError).toBeFalsy()
    expect(notesOf(listed).map((n) => n.id)).toEqual(['n1', 'n3'])
  })

  it('a tool allowlist hides every other tool and refuses it on call', async () => {
    const key = await t.createKey(t.ada)
    const client = await connect(key.secret)
    expect(await setGuards(key.id, { tools: ['notes.list', 'notes.create'] })).toMatchObject({
      readOnly: false,
      tools: ['notes.create', 'notes.list'],
    })
    expect(await toolNames(client)).toEqual(['notes.create', 'notes.list'])
    const refused = await client.callTool({ name: 'api_keys.list', arguments: {} })
    expect(refused.isError).toBe(true)
    expect(resultText(refused)).toMatch(/^MCP_TOOL_NOT_ALLOWED: Tool "api_keys.list" is not in/)
    const created = await client.callTool({ name: 'notes.create', arguments: { title: 'Ada 3' } })
    expect(created.isError).toBeFalsy()
    expect(await notesOwnedBy(t.ada.userId)).toHaveLength(3)

    // Both guards at once: read-only narrows the allowlist further.
    await setGuards(key.id, { readOnly: true })
    expect(await toolNames(client)).toEqual(['notes.list'])
    // Back to every tool.
    await setGuards(key.id, { readOnly: false, tools: null })
    expect(await toolNames(client)).toContain('api_keys.create')
  })

  it('a key of a limited role never sees a row or field another principal sees', async () => {
    const [adaKey, bobKey, adminKey] = [
      await t.createKey(t.ada),
      await t.createKey(t.bob),
      await t.createKey(t.admin),
    ]
    const list = async (secret: string) =>
      notesOf(await (await connect(secret)).callTool({ name: 'notes.list', arguments: {} }))

    const adas = await list(adaKey.secret)
    const bobs = await list(bobKey.secret)
    const all = await list(adminKey.secret)
    expect(adas.every((n) => n.owner === t.ada.userId)).toBe(true)
    expect(adas.map((n) => n.title)).toEqual(expect.arrayContaining(['Ada 1', 'Ada 2']))
    expect(bobs).toEqual([{ id: 'n2', owner: t.bob.userId, title: 'Bob 1' }])
    const adaIds = new Set(adas.map((n) => n.id))
    expect(bobs.some((n) => adaIds.has(n.id))).toBe(false)
    // Fields outside the rule never leave the server for readers; the admin sees them.
    for (const note of [...adas, ...bobs]) expect(note).not.toHaveProperty('secret')
    expect(all.find((n) => n.id === 'n2')?.secret).toBe('s-bob-1')
    expect(all.length).toBeGreaterThan(adas.length + bobs.length)

    // What Bob creates over MCP is his: Ada still does not see it.
    const bob = await connect(bobKey.secret)
    await bob.callTool({ name: 'notes.create', arguments: { title: 'Bob private', secret: 'x' } })
    expect((await list(adaKey.secret)).map((n) => n.title)).not.toContain('Bob private')
    expect((await list(bobKey.secret)).map((n) => n.title)).toContain('Bob private')

    // A key carrying none of its owner's roles gets no rule at all: a tool error, no rows.
    const bare = await t.createKey(t.ada, { roles: [] })
    const denied = await (await connect(bare.secret)).callTool({
      name: 'notes.list',
      arguments: {},
    })
    expect(denied.isError).toBe(true)
    expect(resultText(denied)).toBe('FORBIDDEN: You may not read notes.')
  })
})
