// The stdio bridge end to end: the built `backlex mcp` CLI spawned as a desktop MCP client
// would, driven by the SDK's StdioClientTransport, relaying to a real server over HTTP.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  dialectsUnderTest,
  type McpTestServer,
  resultJson,
  resultText,
  startMcpServer,
} from './helpers.js'

const cliBin = join(
  dirname(createRequire(import.meta.url).resolve('@backlex/cli/package.json')),
  'bin',
  'backlex.js',
)

type Note = { id: string; owner: string; title: string; secret?: string }

/** Starts `backlex mcp --url <url> --key <key>` and connects an SDK client to its stdio. */
async function connectStdio(url: string, key: string, stderr: string[] = []): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [cliBin, 'mcp', '--url', url, '--key', key],
    stderr: 'pipe',
    env: { PATH: process.env.PATH ?? '', NODE_DISABLE_COMPILE_CACHE: '1' },
  })
  transport.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()))
  const client = new Client({ name: 'desktop-client', version: '0.0.0' })
  await client.connect(transport)
  return client
}

describe.each(dialectsUnderTest)('backlex mcp (stdio bridge) on $dialect', (dialect) => {
  let t: McpTestServer
  const clients: Client[] = []
  const connect = async (key: string, url = t.url) => {
    const client = await connectStdio(url, key)
    clients.push(client)
    return client
  }

  beforeAll(async () => {
    t = await startMcpServer(await dialect.create())
  })
  afterAll(async () => {
    for (const client of clients) await client.close()
    await t?.close()
  })

  it('initializes, lists and calls through the bridge (a bare origin gets /mcp)', async () => {
    const key = await t.createKey(t.admin)
    const client = await connect(key.secret)
    expect(client.getServerVersion()).toEqual({ name: 'backlex', version: '0.1.0' })
    const { tools } = await client.listTools()
    expect(tools.find((tool) => tool.name === 'notes.delete')?.annotations).toMatchObject({
      destructiveHint: true,
    })
    const result = await client.callTool({ name: 'notes.list', arguments: { limit: 2 } })
    expect((resultJson(result) as { data: Note[] }).data.map((n) => n.id)).toEqual(['n1', 'n2'])
    const invalid = await client.callTool({ name: 'notes.create', arguments: { title: 42 } })
    expect(invalid.isError).toBe(true)
    expect(resultText(invalid)).toMatch(/^VALIDATION_FAILED: .*title/)
    await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toMatchObject({
      code: -32602,
    })
  })

  it('applies the key’s guards and permission rules through the bridge', async () => {
    const adaKey = await t.createKey(t.ada)
    const bobKey = await t.createKey(t.bob)
    const ada = await connect(adaKey.secret, `${t.url}/mcp`)
    const bob = await connect(bobKey.secret)
    const list = async (client: Client) =>
      (
        resultJson(await client.callTool({ name: 'notes.list', arguments: {} })) as {
          data: Note[]
        }
      ).data
    const adas = await list(ada)
    const bobs = await list(bob)
    expect(adas.map((n) => n.id)).toEqual(['n1', 'n3'])
    expect(bobs.map((n) => n.id)).toEqual(['n2'])
    for (const note of [...adas, ...bobs]) expect(note).not.toHaveProperty('secret')

    const patched = await t.rest(
      'PATCH',
      `/api/api-keys/${adaKey.id}/mcp-guards`,
      { readOnly: true, tools: ['notes.list', 'notes.create'] },
      t.ada.token,
    )
    expect(patched.status).toBe(200)
    expect((await ada.listTools()).tools.map((tool) => tool.name)).toEqual(['notes.list'])
    const refused = await ada.callTool({ name: 'notes.create', arguments: { title: 'x' } })
    expect(refused.isError).toBe(true)
    expect(resultText(refused)).toMatch(/^READ_ONLY_KEY:/)
  })

  it('answers with a JSON-RPC error naming the 401 for a bad or revoked key', async () => {
    const stderr: string[] = []
    await expect(connectStdio(t.url, 'blx_notakeynotakeynotakey', stderr)).rejects.toThrow(
      /HTTP 401: INVALID_API_KEY: The API key in the Authorization header is unknown, revoked or expired/,
    )
    expect(stderr.join('')).toMatch(/HTTP 401: INVALID_API_KEY/)

    const key = await t.createKey(t.bob)
    const client = await connect(key.secret)
    await t.rest('DELETE', `/api/api-keys/${key.id}`, undefined, t.bob.token)
    await expect(client.listTools()).rejects.toMatchObject({
      code: -32000,
      message: expect.stringMatching(/HTTP 401: INVALID_API_KEY/),
    })
  })
})
