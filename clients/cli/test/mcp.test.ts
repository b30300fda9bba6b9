// `backlex mcp`: usage mistakes, and the stdio bridge relaying to a stand-in MCP server over
// real HTTP (the SDK's own server), checked with the SDK's StdioClientTransport.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { Server as McpServer } from '@modelcontextprotocol/sdk/server/index.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertBuilt, cliEnv, cliPath, runCli } from './project.js'

const KEY = 'blx_bridgetestbridgetestbridgetest0000000'

/** A stateless MCP server with one tool that reports the Authorization header it received. */
function standInServer(): Server {
  return createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${KEY}`) {
      res.writeHead(401, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          errors: [{ message: 'Bad key.', extensions: { code: 'INVALID_API_KEY' } }],
        }),
      )
      return
    }
    const server = new McpServer(
      { name: 'stand-in', version: '1.2.3' },
      { capabilities: { tools: {} } },
    )
    server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: [
        { name: 'whoami', description: 'Echoes the caller', inputSchema: { type: 'object' } },
      ],
    }))
    server.setRequestHandler(CallToolRequestSchema, (request, extra) => ({
      content: [
        {
          type: 'text',
          text: JSON.stringify({
            authorization: extra.requestInfo?.headers.authorization,
            path: req.url,
            protocolVersion: extra.requestInfo?.headers['mcp-protocol-version'],
            args: request.params.arguments,
          }),
        },
      ],
    }))
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined })
    await server.connect(transport)
    res.on('close', () => void server.close())
    await transport.handleRequest(req, res)
  })
}

describe('backlex mcp', () => {
  let http: Server
  let origin: string
  beforeAll(async () => {
    await assertBuilt()
    http = standInServer()
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => http.close(() => resolve())))

  const connect = async (args: string[], env: Record<string, string> = {}) => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cliPath, 'mcp', ...args],
      env: { PATH: process.env.PATH ?? '', ...env },
      stderr: 'pipe',
    })
    const client = new Client({ name: 'desktop', version: '0' })
    await client.connect(transport)
    return client
  }

  it('exits 2 on a missing or bad --url, or without a key', async () => {
    const env = cliEnv()
    delete env.BACKLEX_API_KEY
    const cases: [string[], RegExp][] = [
      [['--key', KEY], /give the server with --url <url>/],
      [
        ['--url', 'ftp://example.com', '--key', KEY],
        /--url must be an http:\/\/ or https:\/\/ URL/,
      ],
      [['--url', 'not a url', '--key', KEY], /--url "not a url" is not a URL/],
      [['--url', origin], /give an API key with --key <key> or BACKLEX_API_KEY/],
    ]
    for (const [args, message] of cases) {
      const result = await runCli(['mcp', ...args], { cwd: process.cwd(), env })
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(/^backlex: CLI_INVALID_ARGUMENTS: backlex mcp: /)
      expect(result.stderr).toMatch(message)
      expect(result.stderr).toContain('Run `backlex mcp --help` for its options.')
    }
  })

  it('documents --url and --key in --help', async () => {
    const { code, stdout } = await runCli(['mcp', '--help'], { cwd: process.cwd() })
    expect(code).toBe(0)
    expect(stdout).toContain('Usage: backlex mcp [options]')
    expect(stdout).toContain('--url <url>')
    expect(stdout).toContain('--key <key>')
  })

  it('relays initialize, tools/list and tools/call with the key as a bearer token', async () => {
    const client = await connect(['--url', `${origin}/mcp`, '--key', KEY])
    try {
      expect(client.getServerVersion()).toEqual({ name: 'stand-in', version: '1.2.3' })
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['whoami'])
      const result = await client.callTool({ name: 'whoami', arguments: { n: 1 } })
      const text = (result.content as { text: string }[])[0]?.text ?? ''
      expect(JSON.parse(text)).toEqual({
        authorization: `Bearer ${KEY}`,
        path: '/mcp',
        // The bridge sends the negotiated version on later requests, as a direct client would.
        protocolVersion: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
        args: { n: 1 },
      })
    } finally {
      await client.close()
    }
  })

  it('reads the key from BACKLEX_API_KEY and adds /mcp to a bare origin', async () => {
    const client = await connect(['--url', origin], { BACKLEX_API_KEY: KEY })
    try {
      const result = await client.callTool({ name: 'whoami', arguments: {} })
      expect(JSON.parse((result.content as { text: string }[])[0]?.text ?? '')).toMatchObject({
        path: '/mcp',
      })
    } finally {
      await client.close()
    }
  })

  it('answers a request with a JSON-RPC error when the server refuses the key or is down', async () => {
    await expect(connect(['--url', origin, '--key', 'blx_wrong'])).rejects.toThrow(
      /backlex server answered HTTP 401: INVALID_API_KEY: Bad key\./,
    )
    await expect(connect(['--url', 'http://127.0.0.1:9/mcp', '--key', KEY])).rejects.toThrow(
      /backlex server unreachable/,
    )
  })
})
