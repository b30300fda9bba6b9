// `backlex mcp --url <url> --key <key>`: lets a desktop MCP client (which starts servers as
// processes speaking stdio) use a backlex server's MCP endpoint over HTTP.
import type { Command } from '../command.js'
import { CliErrors } from '../errors.js'
import { runMcpBridge } from '../mcp-bridge.js'

/** The endpoint to relay to: a bare server URL gets `/mcp`. */
export function mcpEndpoint(given: string): URL {
  let url: URL
  try {
    url = new URL(given)
  } catch {
    throw CliErrors.INVALID_ARGUMENTS('mcp', `--url "${given}" is not a URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw CliErrors.INVALID_ARGUMENTS('mcp', `--url must be an http:// or https:// URL`)
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/mcp'
  return url
}

export const mcp: Command = {
  name: 'mcp',
  summary: 'Bridge stdio to a backlex MCP endpoint',
  description: [
    'Relays MCP messages between stdin/stdout and a backlex server, for desktop MCP clients',
    'that start servers as commands. Runs until stdin closes; logs go to stderr.',
    '',
    'Example: backlex mcp --url https://api.example.com/mcp --key blx_...',
  ].join('\n'),
  options: {
    url: {
      type: 'string',
      value: '<url>',
      description: 'The MCP endpoint, e.g. http://localhost:3000/mcp (a bare origin gets /mcp)',
    },
    key: {
      type: 'string',
      value: '<key>',
      description: 'API key (blx_...) to authenticate with (default: BACKLEX_API_KEY)',
    },
  },
  async run(values) {
    if (typeof values.url !== 'string' || values.url.trim() === '') {
      throw CliErrors.INVALID_ARGUMENTS('mcp', 'give the server with --url <url>')
    }
    const url = mcpEndpoint(values.url.trim())
    const key =
      (typeof values.key === 'string' ? values.key : process.env.BACKLEX_API_KEY)?.trim() ?? ''
    if (key === '') {
      throw CliErrors.INVALID_ARGUMENTS(
        'mcp',
        'give an API key with --key <key> or BACKLEX_API_KEY',
      )
    }
    await runMcpBridge({
      url,
      key,
      stdin: process.stdin,
      stdout: process.stdout,
      log: (line) => process.stderr.write(`${line}\n`),
    })
    return 0
  },
}
