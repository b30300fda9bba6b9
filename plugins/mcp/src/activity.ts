// Records each tools/call in the activity log of @backlex/activity (action `mcp.call`), or in
// the server log when it is not installed. Never blocks or fails the call: the write runs after
// the result is handed back, and a failed write is only logged.
import type { ActivityLogService } from '@backlex/activity/contract'
import { defineService } from '@backlex/kernel'
import type { McpCaller } from './caller.js'
import type { McpEndpoint } from './guards.js'

/** What an `mcp.call` entry keeps. The tool's arguments are never stored: they may hold secrets. */
export interface McpCallDetail {
  tool: string
  /** `agent` (/mcp) or `admin` (/api/admin/mcp). */
  endpoint: McpEndpoint
  ok: boolean
  /** null when the call succeeded; else the error code it ended with. */
  error: string | null
  durationMs: number
}

/** The `mcp.call` entries of one kernel, and the writes still running after their response. */
export interface McpActivity {
  /**
   * Starts writing the `mcp.call` entry of one call and returns at once. The write is handed
   * to the runtime's waitUntil (Workers) and awaited when the plugin stops.
   * @example
   * activity.record(caller, { tool: 'items.list', endpoint: 'agent', ok: true, error: null, durationMs: 4 })
   */
  record(caller: McpCaller, detail: McpCallDetail): void
  /** Resolves when every write started so far is done. */
  settled(): Promise<void>
}

/** This plugin's own instance; not a contract other plugins use. */
export const McpActivity = defineService<McpActivity>('backlex.mcp.activity')

/**
 * The recorder writing to `log`, or to each caller's logger when the activity log is absent.
 * @example
 * ctx.provide(McpActivity, (boot) => createMcpActivity(boot.use(ActivityLog)), { stop: (a) => a.settled() })
 */
export function createMcpActivity(log: ActivityLogService | undefined): McpActivity {
  const pending = new Set<Promise<void>>()
  return {
    record(caller, detail) {
      const { principal } = caller
      if (!log) {
        caller.logger.info('mcp.call', {
          ...detail,
          workspace: caller.workspace,
          principalType: principal.type,
          principalId: principal.id,
          userId: principal.userId,
        })
        return
      }
      const write = Promise.resolve()
        .then(() =>
          log.record({
            workspace: caller.workspace,
            action: 'mcp.call',
            principal,
            requestId: caller.requestId,
            clientAddress: caller.clientAddress,
            detail: { ...detail },
          }),
        )
        .then(
          () => undefined,
          (error: unknown) => {
            caller.logger.error('could not record an MCP tool call', {
              tool: detail.tool,
              error: error instanceof Error ? error.message : String(error),
            })
          },
        )
      pending.add(write)
      void write.finally(() => pending.delete(write))
      caller.waitUntil(write)
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending])
    },
  }
}
