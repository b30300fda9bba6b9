// The mcp() plugin: the MCP endpoints, and optional use of the Collections (resources, as each
// caller may see them) and ActivityLog (one entry per call) services.
import { definePlugin } from '@backlex/kernel'
import pkg from '../package.json' with { type: 'json' }
import { createMcpActivity, McpActivity } from './activity.js'
import { mcpRoutes } from './http.js'
import { ActivityLog, Collections } from './integrations.js'
import { mcpOptions } from './options.js'

const DEFAULT_INSTRUCTIONS =
  'Tools of a backlex backend. Every call runs as the user behind your API key, with that key’s roles: you see and change only what they may. Tool results are JSON; errors carry a stable code (e.g. VALIDATION_FAILED, FORBIDDEN) and say what to fix.'

/**
 * An MCP server over every kernel tool: `POST /mcp` for workspace agents (every tool but admin
 * tools) and `POST /api/admin/mcp` for admins (every tool). Callers authenticate with an API key
 * or a session; each call runs as that principal, inside the key's MCP guards, and is recorded
 * as an `mcp.call` entry of the activity log when `@backlex/activity` is installed.
 * @example
 * import { mcp } from '@backlex/mcp'
 * defineConfig({ plugins: [auth(), permissions(), collections(), mcp()] })
 */
export const mcp = definePlugin({
  name: '@backlex/mcp',
  version: pkg.version,
  kernel: '^0.1.0',
  optional: [Collections, ActivityLog],
  provides: [McpActivity],
  options: mcpOptions,
  register(ctx, options) {
    // Entries still being written when the kernel stops are awaited before the database closes
    // (this plugin boots after @backlex/activity, so it stops first).
    ctx.provide(McpActivity, (boot) => createMcpActivity(boot.use(ActivityLog)), {
      stop: (activity) => activity.settled(),
    })
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
