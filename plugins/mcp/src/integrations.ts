// The services of @backlex/collections this plugin uses when it is installed, by id and typed
// from its contract: nothing of @backlex/collections is imported at runtime.
import type {
  ActivityLog as ActivityLogToken,
  Collections as CollectionsToken,
} from '@backlex/collections/contract'
import { serviceRef } from '@backlex/kernel'

/** The collections as each caller may see them: served as MCP resources. */
export const Collections = serviceRef<typeof CollectionsToken>('backlex.collections')

/** The shared activity log: one `mcp.call` entry per tool call. */
export const ActivityLog = serviceRef<typeof ActivityLogToken>('backlex.activity')
