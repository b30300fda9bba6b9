// Every way @backlex/mcp can fail, in one place. Codes are stable; messages are for people.
// HTTP-level errors leave as the JSON error envelope; tool-level ones become MCP tool errors.
import { BacklexError } from '@backlex/kernel'

export const McpErrors = {
  // HTTP (the JSON error envelope, before any MCP message is read)
  UNAUTHORIZED: () =>
    new BacklexError(
      'UNAUTHORIZED',
      401,
      'The MCP endpoint needs an API key (`Authorization: Bearer blx_...`) or a session.',
    ),
  ADMIN_ONLY: () =>
    new BacklexError(
      'FORBIDDEN',
      403,
      'Only an admin can use /api/admin/mcp; workspace agents connect to /mcp.',
    ),
  METHOD_NOT_ALLOWED: (method: string) =>
    new BacklexError(
      'MCP_METHOD_NOT_ALLOWED',
      405,
      `${method} is not supported: this MCP server is stateless (no sessions, no server-sent stream); send JSON-RPC messages with POST.`,
      { method },
    ),

  // Tool calls (MCP tool errors with isError: true, or JSON-RPC errors for unknown tools)
  UNKNOWN_TOOL: (tool: string) =>
    new BacklexError('MCP_UNKNOWN_TOOL', 404, `No tool named "${tool}"; call tools/list.`, {
      tool,
    }),
  ADMIN_TOOL: (tool: string) =>
    new BacklexError(
      'MCP_ADMIN_TOOL',
      403,
      `Tool "${tool}" is an admin tool: it is served at /api/admin/mcp, not /mcp.`,
      { tool },
    ),
  TOOL_NOT_ALLOWED: (tool: string) =>
    new BacklexError(
      'MCP_TOOL_NOT_ALLOWED',
      403,
      `Tool "${tool}" is not in this API key's tool allowlist; an admin can change it with PATCH /api/api-keys/:id/mcp-guards.`,
      { tool },
    ),
  READ_ONLY_KEY: (tool: string) =>
    new BacklexError(
      'READ_ONLY_KEY',
      403,
      `This API key is read-only, and tool "${tool}" may change data.`,
      { tool },
    ),
  RESOURCE_NOT_FOUND: (uri: string) =>
    new BacklexError('MCP_RESOURCE_NOT_FOUND', 404, `No resource "${uri}".`, { uri }),
} as const

/** Every code @backlex/mcp answers with (kernel and tool codes pass through unchanged). */
export type McpErrorCode = ReturnType<(typeof McpErrors)[keyof typeof McpErrors]>['code']
