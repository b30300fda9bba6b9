// Who is on the other end of one MCP request, and where: every handler of that request gets it.
import type { DatabaseAdapter, KernelHandle, LoggerAdapter, Principal } from '@backlex/kernel'
import type { McpEndpoint } from './guards.js'

export interface McpCaller {
  principal: Principal
  workspace: string
  requestId: string
  endpoint: McpEndpoint
  kernel: KernelHandle
  logger: LoggerAdapter
  /** Where tool calls are recorded (`backlex_mcp_calls`). */
  database: DatabaseAdapter
}
