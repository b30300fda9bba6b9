// Writes the backlex_mcp_calls row of each tools/call. A failed write is logged, never turned
// into a failed call: the caller's work has already happened.
import type { DatabaseAdapter, LoggerAdapter, Principal } from '@backlex/kernel'
import type { McpEndpoint } from './guards.js'
import { MCP_CALLS_TABLE } from './migrations.js'

export interface McpCallRecord {
  workspace: string
  endpoint: McpEndpoint
  tool: string
  principal: Principal
  /** null when the call succeeded; else the error code it ended with. */
  errorCode: string | null
  durationMs: number
  requestId: string | null
  at: Date
}

/**
 * Appends one call to `backlex_mcp_calls`.
 * @example
 * await recordMcpCall(database, logger, { workspace: 'main', endpoint: 'agent', tool: 'notes.list', ... })
 */
export async function recordMcpCall(
  database: DatabaseAdapter,
  logger: LoggerAdapter,
  call: McpCallRecord,
): Promise<void> {
  try {
    await database.db
      .insertInto(MCP_CALLS_TABLE)
      .values({
        id: crypto.randomUUID(),
        workspace: call.workspace,
        endpoint: call.endpoint,
        tool: call.tool,
        principal_type: call.principal.type,
        principal_id: call.principal.id,
        user_id: call.principal.userId,
        ok:
          database.dialect === 'postgres'
            ? call.errorCode === null
            : call.errorCode === null
              ? 1
              : 0,
        error_code: call.errorCode,
        duration_ms: Math.max(0, Math.round(call.durationMs)),
        request_id: call.requestId,
        created_at: database.dialect === 'postgres' ? call.at : call.at.toISOString(),
      })
      .execute()
  } catch (error) {
    logger.error('could not record an MCP tool call', {
      tool: call.tool,
      error: error instanceof Error ? error.message : String(error),
    })
  }
}
