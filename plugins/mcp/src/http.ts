// The MCP endpoints: POST /mcp for workspace agents, POST /api/admin/mcp for admins. Stateless
// Streamable HTTP with JSON responses: any instance can answer any request, no session to share.
import {
  type BacklexError,
  defineRoute,
  errorBody,
  type HttpMethod,
  type RequestContext,
  type RouteDefinition,
  type ServiceToken,
} from '@backlex/kernel'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { McpActivity } from './activity.js'
import { McpErrors } from './errors.js'
import type { McpEndpoint } from './guards.js'
import { Collections } from './integrations.js'
import { createMcpServer, type McpServerInfo } from './server.js'

/** What every MCP server of this plugin says about itself at initialize. */
export type McpSettings = Omit<McpServerInfo, 'name'>

const tags = ['mcp']

/**
 * A service the plugin lists in `optional`: undefined where its package is not installed (a
 * route's context types every token as present).
 */
const optional = <T>(ctx: RequestContext, token: ServiceToken<T>): T | undefined => ctx.use(token)

/** 401 without a caller; 403 for a non-admin on the admin endpoint. */
function admit(ctx: RequestContext, endpoint: McpEndpoint): void {
  if (ctx.principal.type === 'anonymous') throw McpErrors.UNAUTHORIZED()
  if (endpoint === 'admin' && !ctx.principal.admin) throw McpErrors.ADMIN_ONLY()
}

function errorResponse(error: BacklexError, headers?: Record<string, string>): Response {
  return Response.json(errorBody(error), { status: error.status, ...(headers ? { headers } : {}) })
}

async function handleMessages(
  request: Request,
  ctx: RequestContext,
  endpoint: McpEndpoint,
  settings: McpSettings,
): Promise<Response> {
  admit(ctx, endpoint)
  const server = createMcpServer(
    {
      principal: ctx.principal,
      workspace: ctx.workspace,
      requestId: ctx.requestId,
      clientAddress: ctx.clientAddress,
      endpoint,
      kernel: ctx.kernel,
      logger: ctx.logger,
      activity: ctx.use(McpActivity),
      collections: optional(ctx, Collections),
      waitUntil: (work) => ctx.waitUntil(work),
    },
    { name: ctx.kernel.config.name, ...settings },
  )
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
    maxRequestBodySize: ctx.kernel.config.bodyLimit,
  })
  await server.connect(transport)
  try {
    // JSON mode: resolves once every response of the request is in the body.
    return await transport.handleRequest(request)
  } finally {
    await server.close()
  }
}

/** Stateless: no server-sent stream to GET and no session to DELETE (the spec's 405 answer). */
function refuse(ctx: RequestContext, endpoint: McpEndpoint, method: string): Response {
  admit(ctx, endpoint)
  return errorResponse(McpErrors.METHOD_NOT_ALLOWED(method), { allow: 'POST' })
}

/**
 * The routes of one endpoint: POST carries JSON-RPC messages; GET and DELETE answer 405.
 * @example
 * for (const route of mcpRoutes({ path: '/mcp', root: true, endpoint: 'agent' }, settings)) ctx.route(route)
 */
export function mcpRoutes(
  at: { path: string; root: boolean; endpoint: McpEndpoint },
  settings: McpSettings,
): RouteDefinition[] {
  const { path, root, endpoint } = at
  const who = endpoint === 'agent' ? 'workspace agents' : 'admins (every tool, admin tools too)'
  const other = (method: HttpMethod) =>
    defineRoute({
      method,
      path,
      root,
      tags,
      summary: `MCP: not supported by this stateless server (405)`,
      effect: 'read',
      handler: ({ ctx }) => refuse(ctx, endpoint, method.toUpperCase()),
    })
  return [
    defineRoute({
      method: 'post',
      path,
      root,
      tags,
      summary: `MCP Streamable HTTP endpoint for ${who}`,
      description:
        'JSON-RPC 2.0 messages of the Model Context Protocol (initialize, tools/list, tools/call, resources/*). Send `Accept: application/json, text/event-stream` and an API key as `Authorization: Bearer blx_...`.',
      // Read-only keys may list and call read tools here; the tool registry refuses the rest.
      effect: 'read',
      handler: ({ c, ctx }) => handleMessages(c.req.raw, ctx, endpoint, settings),
    }),
    other('get'),
    other('delete'),
  ] as RouteDefinition[]
}
