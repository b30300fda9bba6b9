// The MCP endpoint in workerd (Miniflare, D1, no nodejs_compat): the web-standard transport,
// stateless JSON responses, guards, permission filtering and the activity log (@backlex/collections
// on D1), driven by the SDK client through the Worker.
import { join } from 'node:path'
import { startWorker, type WorkerUnderTest } from '@backlex/cloudflare/testing'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, resultJson, resultText } from './helpers.js'

const entry = join(import.meta.dirname, 'fixtures/worker.ts')
type ErrorBody = { errors: { message: string; extensions: { code: string } }[] }

describe('@backlex/mcp in workerd', () => {
  let worker: WorkerUnderTest
  const clients: Client[] = []

  const post = (path: string, body: unknown, bearer?: string) =>
    worker.fetch(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: JSON.stringify(body),
    })
  /** An SDK client whose HTTP requests go into the Worker. */
  const connect = async (bearer: string) => {
    const client = new Client({ name: 'workerd-test', version: '0' })
    const transport = new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
      requestInit: { headers: { authorization: `Bearer ${bearer}` } },
      fetch: (url, init) => worker.fetch(String(url), init),
    })
    await client.connect(transport)
    clients.push(client)
    return client
  }

  beforeAll(async () => {
    worker = await startWorker({ entry })
    // The first request boots the app and migrates D1.
    const rule = await post(
      '/api/permissions',
      {
        role: 'reader',
        collection: 'notes',
        action: 'read',
        filter: { owner: { _eq: '$CURRENT_USER' } },
        fields: ['id', 'title'],
      },
      'blx_admin',
    )
    expect(rule.status).toBe(201)
    const d1 = await worker.d1()
    await d1
      .prepare(
        "insert into mcp_test_notes (id, workspace, owner, title, secret) values ('w1', 'main', 'u-ada', 'Ada on the edge', 's1'), ('w2', 'main', 'u-admin', 'Admin on the edge', 's2')",
      )
      .all()
  })
  afterAll(async () => {
    for (const client of clients) await client.close()
    await worker?.dispose()
  })

  it('answers 401 with the JSON error envelope without a key or with a bad one', async () => {
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }
    const none = await post('/mcp', init)
    expect(none.status).toBe(401)
    expect(((await none.json()) as ErrorBody).errors[0]?.extensions.code).toBe('UNAUTHORIZED')
    const bad = await post('/mcp', init, 'blx_unknown')
    expect(bad.status).toBe(401)
    expect(((await bad.json()) as ErrorBody).errors[0]?.extensions.code).toBe('INVALID_API_KEY')
  })

  it('initializes, lists and calls tools as the key’s principal, rows filtered per principal', async () => {
    const admin = await connect('blx_admin')
    expect(admin.getServerVersion()).toEqual({ name: 'backlex', version: '0.1.0' })
    const names = (await admin.listTools()).tools.map((tool) => tool.name)
    expect(names).toEqual(
      expect.arrayContaining(['notes.create', 'notes.delete', 'notes.list', 'items.list']),
    )
    const all = await admin.callTool({ name: 'notes.list', arguments: {} })
    expect((resultJson(all) as { data: unknown[] }).data).toHaveLength(2)

    const ada = await connect('blx_ada')
    const own = await ada.callTool({ name: 'notes.list', arguments: {} })
    expect(resultJson(own)).toEqual({ data: [{ id: 'w1', title: 'Ada on the edge' }] })
    const invalid = await ada.callTool({ name: 'notes.list', arguments: { limit: 0 } })
    expect(invalid.isError).toBe(true)
    expect(resultText(invalid)).toMatch(/^VALIDATION_FAILED: .*limit/)
  })

  it('applies read-only guards at dispatch and logs every call in D1', async () => {
    const client = await connect('blx_ada_read_only')
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['notes.list', 'items.list']),
    )
    expect((await client.listTools()).tools.map((tool) => tool.name)).not.toContain('notes.delete')
    const refused = await client.callTool({ name: 'notes.delete', arguments: { id: 'w1' } })
    expect(refused.isError).toBe(true)
    expect(resultText(refused)).toMatch(/^READ_ONLY_KEY:/)

    const d1 = await worker.d1()
    const notes = await d1.prepare("select id from mcp_test_notes where id = 'w1'").all()
    expect(notes.results).toHaveLength(1)
    // Written after the response, kept alive by waitUntil: read until it is there.
    const calls = await eventually(
      async () =>
        (
          await d1
            .prepare(
              "select action, detail from backlex_collections_activity where api_key_id = 'k-ada-ro'",
            )
            .all()
        ).results as { action: string; detail: string }[],
      (rows) => rows.length > 0,
    )
    expect(calls.map((row) => [row.action, JSON.parse(row.detail)])).toEqual([
      [
        'mcp.call',
        {
          tool: 'notes.delete',
          endpoint: 'agent',
          ok: false,
          error: 'READ_ONLY_KEY',
          durationMs: expect.any(Number),
        },
      ],
    ])
  })
})
