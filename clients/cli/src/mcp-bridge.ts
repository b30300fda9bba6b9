// `backlex mcp`: relays MCP messages between stdio (a desktop MCP client that starts this
// process) and a backlex server's Streamable HTTP endpoint, message for message. Relaying
// rather than re-serving keeps the bridge ignorant of the protocol's methods and versions.
import type { Readable, Writable } from 'node:stream'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'

export interface McpBridgeOptions {
  /** The server's MCP endpoint, e.g. `http://localhost:3000/mcp`. */
  url: URL
  /** An API key (`blx_...`) or a session token, sent as `Authorization: Bearer`. */
  key: string
  stdin: Readable
  stdout: Writable
  /** Where diagnostics go: never stdout, which carries the protocol. */
  log(line: string): void
}

/** JSON-RPC "server error" range: the request never got an answer from the remote server. */
const REMOTE_FAILED = -32000

type Request = { jsonrpc: '2.0'; id: string | number; method: string }

const isRequest = (m: JSONRPCMessage): m is JSONRPCMessage & Request =>
  'method' in m && 'id' in m && m.id !== undefined

/**
 * What went wrong in words a person reading the MCP client's log can act on: the HTTP status and
 * backlex's error code and message when the server sent its JSON error envelope.
 */
export function describeRemoteError(error: unknown): { message: string; status?: number } {
  const status = (error as { code?: unknown }).code
  const text = error instanceof Error ? error.message : String(error)
  const json = text.slice(text.indexOf('{'))
  let detail = text
  try {
    const body = JSON.parse(json) as {
      errors?: { message?: string; extensions?: { code?: string } }[]
      error?: { message?: string }
    }
    const first = body.errors?.[0]
    if (first?.message) detail = `${first.extensions?.code ?? 'ERROR'}: ${first.message}`
    else if (body.error?.message) detail = body.error.message
  } catch {
    // Not a JSON body (a proxy's HTML page, a network error): keep the text as it is.
  }
  return typeof status === 'number' && status >= 100 && status < 600
    ? { message: `backlex server answered HTTP ${status}: ${detail}`, status }
    : { message: `backlex server unreachable: ${detail}` }
}

/**
 * Relays until stdin ends (the MCP client went away), then closes the remote side.
 * @example
 * await runMcpBridge({ url: new URL('http://localhost:3000/mcp'), key, stdin: process.stdin,
 *   stdout: process.stdout, log: (line) => process.stderr.write(`${line}\n`) })
 */
export async function runMcpBridge(options: McpBridgeOptions): Promise<void> {
  // Loaded on demand: the other commands never pay for the MCP SDK.
  const [{ StdioServerTransport }, { StreamableHTTPClientTransport }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
  ])
  const local = new StdioServerTransport(options.stdin, options.stdout)
  const remote = new StreamableHTTPClientTransport(options.url, {
    requestInit: { headers: { authorization: `Bearer ${options.key}` } },
  })
  const initializing = new Set<string | number>()
  // Requests still on their way: stdin may end right after the last one (`echo ... | backlex mcp`).
  const inFlight = new Set<Promise<void>>()

  remote.onmessage = (message) => {
    // The remote transport sends the negotiated version on every later request, as a client would.
    if ('id' in message && message.id !== undefined && initializing.delete(message.id)) {
      const version = (message as { result?: { protocolVersion?: unknown } }).result
        ?.protocolVersion
      if (typeof version === 'string') remote.setProtocolVersion(version)
    }
    local.send(message).catch((error: unknown) => options.log(`stdout write failed: ${error}`))
  }
  local.onmessage = (message) => {
    if (isRequest(message) && message.method === 'initialize') initializing.add(message.id)
    const relayed = remote.send(message).catch((error: unknown) => {
      const { message: text, status } = describeRemoteError(error)
      options.log(text)
      // A request must get an answer, or the MCP client waits for it forever.
      if (isRequest(message)) {
        initializing.delete(message.id)
        const reply: JSONRPCMessage = {
          jsonrpc: '2.0',
          id: message.id,
          error: { code: REMOTE_FAILED, message: text, ...(status ? { data: { status } } : {}) },
        }
        return local.send(reply).catch(() => {})
      }
    })
    inFlight.add(relayed)
    void relayed.finally(() => inFlight.delete(relayed))
  }
  local.onerror = (error) => options.log(`unreadable message on stdin: ${error.message}`)

  const ended = new Promise<void>((resolve) => {
    options.stdin.once('end', resolve)
    options.stdin.once('close', resolve)
  })
  await remote.start()
  await local.start()
  options.log(`backlex mcp: relaying stdio to ${options.url.href}`)
  await ended
  await Promise.allSettled([...inFlight])
  await remote.close()
  await local.close()
}
