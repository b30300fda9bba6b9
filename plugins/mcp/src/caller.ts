// Who is on the other end of one MCP request, and where: every handler of that request gets it.
import type { CollectionsService } from '@backlex/collections/contract'
import type { KernelHandle, LoggerAdapter, Principal } from '@backlex/kernel'
import type { McpActivity } from './activity.js'
import type { McpEndpoint } from './guards.js'

export interface McpCaller {
  principal: Principal
  workspace: string
  requestId: string
  clientAddress: string | null
  endpoint: McpEndpoint
  kernel: KernelHandle
  logger: LoggerAdapter
  /** Records the call: in the activity log of @backlex/activity when installed, else `logger`. */
  activity: McpActivity
  /** The Collections service of @backlex/collections, when installed: schemas as resources. */
  collections: CollectionsService | undefined
  /** Keeps background work (the activity write) alive past the response on Workers. */
  waitUntil(work: Promise<unknown>): void
}
