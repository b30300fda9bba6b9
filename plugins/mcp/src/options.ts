// Options of the mcp() plugin, validated at boot.
import { z } from 'zod'

export const mcpOptions = z.object({
  /** Sent to clients at initialize; agents read it as guidance. Default: a short description. */
  instructions: z.string().min(1).max(8000).optional(),
  /** Also serve `/api/admin/mcp` (every tool, admins only). Default true. */
  adminEndpoint: z.boolean().default(true),
})

export type McpOptions = z.input<typeof mcpOptions>
