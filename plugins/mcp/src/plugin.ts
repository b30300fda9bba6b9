// The mcp() plugin: the MCP endpoints, the tool-call log table, and optional use of the
// Collections (resources) and Permissions (which schemas a caller may see) services.
import { Database, definePlugin } from '@backlex/kernel'
import pkg from '../package.json' with { type: 'json' }
import { mcpRoutes } from './http.js'
import { migrations } from './migrations.js'
import { CollectionSchemasService, ReadRules } from './optional-services.js'
import { mcpOptions } from './options.js'

const DEFAULT_INSTRUCTIONS =
  'Tools of a backlex backend. Every call runs as the user behind your API key, with that key’s roles: you see and change only what they may. Tool results are JSON; errors carry a stable code (e.g. VALIDATION_FAILED, FORBIDDEN) and say what to fix.'

/**
 * An MCP server over every kernel tool: `POST /mcp` for workspace agents (every tool but admin
 * tools) and `POST /api/admin/mcp` for admins (every tool). Callers authenticate with an API key
 * or a session; each call runs as that principal, inside the key's MCP guards.
 * @example
 * import { mcp } from '@backlex/mcp'
 * defineConfig({ plugins: [auth(), permissions(), mcp()] })
 */
export const mcp = definePlugin({
  name: '@backlex/mcp',
  version: pkg.version,
  kernel: '^0.1.0',
  requires: [Database],
  optional: [CollectionSchemasService, ReadRules],
  options: mcpOptions,
  migrations,
  register(ctx, options) {
    const settings = {
      version: pkg.version,
      instructions: options.instructions ?? DEFAULT_INSTRUCTIONS,
    }
    for (const route of mcpRoutes({ path: '/mcp', root: true, endpoint: 'agent' }, settings)) {
      ctx.route(route)
    }
    if (options.adminEndpoint) {
      const at = { path: '/admin/mcp', root: false, endpoint: 'admin' } as const
      for (const route of mcpRoutes(at, settings)) ctx.route(route)
    }
  },
})
