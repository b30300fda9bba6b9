// Which kernel tools a caller may see and call over MCP: the endpoint, then the API key's
// tool allowlist, then its read-only flag. tools/list and tools/call share this one answer.
import type { BacklexError, Principal, ToolAnnotation } from '@backlex/kernel'
import { McpErrors } from './errors.js'

/** `agent`: POST /mcp, workspace agents. `admin`: POST /api/admin/mcp, admins only. */
export type McpEndpoint = 'agent' | 'admin'

/**
 * Why `principal` may not call `tool` at `endpoint`, or null when it may. Tools refused here are
 * also left out of tools/list. The kernel still applies its own checks (admin tools need an
 * admin) and each tool its permission rules.
 *
 * `admin` tools count as writes for read-only keys: the annotation does not say whether one
 * only reads, so a read-only key is never trusted with one.
 * @example
 * toolRefusal({ name: 'notes.delete', annotation: 'destructive' }, readOnlyKey, 'agent')?.code // 'READ_ONLY_KEY'
 */
export function toolRefusal(
  tool: { name: string; annotation: ToolAnnotation },
  principal: Principal,
  endpoint: McpEndpoint,
): BacklexError | null {
  if (tool.annotation === 'admin' && endpoint === 'agent') return McpErrors.ADMIN_TOOL(tool.name)
  const scopes = principal.scopes
  if (scopes?.tools != null && !scopes.tools.includes(tool.name)) {
    return McpErrors.TOOL_NOT_ALLOWED(tool.name)
  }
  if (scopes?.readOnly && tool.annotation !== 'read') return McpErrors.READ_ONLY_KEY(tool.name)
  return null
}
