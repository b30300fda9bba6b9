// Who is on the other end of one MCP request, and where: every handler of that request gets it.
import type { KernelHandle, LoggerAdapter, Principal } from '@backlex/kernel'
import type { McpEndpoint } from './guards.js'
import type { ActivityRecorder } from './optional-services.js'

export interface McpCaller {
  principal: Principal
  workspace: string
  requestId: string
  clientAddress: string | null
  endpoint: McpEndpoint
  kernel: KernelHandle
  logger: LoggerAdapter
  /** The activity log of @backlex/collections, when it is installed; else calls go to `logger`. */
  activity: ActivityRecorder | undefined
  /** Keeps background work (the activity write) alive past the response on Workers. */
  waitUntil(work: Promise<unknown>): void
}
