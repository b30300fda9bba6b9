// The services this plugin uses when their plugins are installed, by id and typed from their
// contracts: nothing of @backlex/collections or @backlex/activity is imported at runtime.
import type { ActivityLog as ActivityLogToken } from '@backlex/activity/contract'
import type { Collections as CollectionsToken } from '@backlex/collections/contract'
import { serviceRef } from '@backlex/kernel'

/** The collections as each caller may see them: served as MCP resources. */
export const Collections = serviceRef<typeof CollectionsToken>('backlex.collections')

/** The activity log of @backlex/activity: one `mcp.call` entry per tool call. */
export const ActivityLog = serviceRef<typeof ActivityLogToken>('backlex.activity')
