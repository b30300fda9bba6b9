// The kernel's one-word tool annotation as MCP tool annotations (hints for clients and agents).
import type { ToolAnnotation } from '@backlex/kernel'

/** MCP `ToolAnnotations` (2025-03-26 and later); every hint is set, so no client default applies. */
export interface McpToolHints {
  readOnlyHint: boolean
  destructiveHint: boolean
  idempotentHint: boolean
  openWorldHint: boolean
}

const HINTS: Record<ToolAnnotation, McpToolHints> = {
  read: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  write: {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: false,
    openWorldHint: false,
  },
  destructive: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: false,
  },
  // An admin tool may read or delete: assume the worst, as MCP's own defaults do.
  admin: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: false,
  },
}

/**
 * MCP hints for a kernel tool annotation. backlex tools act on this server's own data only,
 * hence `openWorldHint: false`.
 * @example
 * mcpToolHints('read') // { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false }
 */
export function mcpToolHints(annotation: ToolAnnotation): McpToolHints {
  return { ...HINTS[annotation] }
}
