// The activity log of @backlex/activity, which this plugin uses when it is installed: by id and
// typed from its contract, so nothing of @backlex/activity is imported at runtime (and, not being
// exported, nothing of it is named in this package's declarations).
import type { ActivityLog as ActivityLogToken } from '@backlex/activity/contract'
import { serviceRef } from '@backlex/kernel'

/** Item writes record `item.*` entries here; revisions show them. */
export const ActivityLog = serviceRef<typeof ActivityLogToken>('backlex.activity')
