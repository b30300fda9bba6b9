// Records each tools/call in the activity log of @backlex/collections (action `mcp.call`), or in
// the server log when it is not installed. Never blocks or fails the call: the write runs after
// the result is handed back, and a failed write is only logged.
import type { KernelHandle } from '@backlex/kernel'
import type { McpCaller } from './caller.js'

// Writes still running after their response, per kernel; the plugin's shutdown waits for them.
const pending = new WeakMap<KernelHandle, Set<Promise<void>>>()

/** What an `mcp.call` entry keeps. The tool's arguments are never stored: they may hold secrets. */
export interface McpCallDetail {
  tool: string
  /** `agent` (/mcp) or `admin` (/api/admin/mcp). */
  endpoint: McpCaller['endpoint']
  ok: boolean
  /** null when the call succeeded; else the error code it ended with. */
  error: string | null
  durationMs: number
}

/**
 * Resolves when every activity write started on `kernel` so far is done (for shutdown).
 * @example
 * await activityWritesSettled(ctx.kernel)
 */
export async function activityWritesSettled(kernel: KernelHandle): Promise<void> {
  const writes = pending.get(kernel)
  while (writes && writes.size > 0) await Promise.all([...writes])
}

/**
 * Starts writing the `mcp.call` entry of one call and returns at once. The write is handed to
 * the runtime's waitUntil (Workers) and awaited by the plugin's shutdown.
 * @example
 * recordMcpCall(caller, { tool: 'items.list', endpoint: 'agent', ok: true, error: null, durationMs: 4 })
 */
export function recordMcpCall(caller: McpCaller, detail: McpCallDetail): void {
  const { principal } = caller
  if (!caller.activity) {
    caller.logger.info('mcp.call', {
      ...detail,
      workspace: caller.workspace,
      principalType: principal.type,
      principalId: principal.id,
      userId: principal.userId,
    })
    return
  }
  const log = caller.activity
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
  let writes = pending.get(caller.kernel)
  if (!writes) {
    writes = new Set()
    pending.set(caller.kernel, writes)
  }
  const running = writes
  running.add(write)
  void write.finally(() => running.delete(write))
  caller.waitUntil(write)
}
