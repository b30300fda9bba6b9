// The ActivityLog service (`backlex.activity`, token in ../contract.ts): other plugins write their
// entries (`mcp.call`, `auth.login`, ...) into the one activity log that GET /api/activity reads.
import type { ClockAdapter, SqlDialect } from '@backlex/kernel'
import type { ActivityEntry, ActivityLogService } from '../contract.js'
import type { Db } from '../items/read/select.js'
import { ActivityErrors } from './errors.js'
import { ACTIVITY_TABLE } from './migrations.js'
import { activityRow, ROWS_PER_INSERT, sortableId } from './record.js'

/** A dot-namespaced action: `<area>.<verb>`, lower snake case parts (`mcp.call`, `item.update`). */
export const ACTIVITY_ACTION = /^[a-z][a-z0-9_]{0,31}(\.[a-z][a-z0-9_]{0,31})+$/
const MAX_DETAIL_CHARS = 16_384

function factsOf(entry: ActivityEntry) {
  if (!entry.workspace) throw ActivityErrors.INVALID_ACTIVITY('workspace is empty')
  if (!ACTIVITY_ACTION.test(entry.action) || entry.action.length > 64) {
    throw ActivityErrors.INVALID_ACTIVITY(
      `action "${entry.action.slice(0, 64)}" is not dot-namespaced lower snake case, e.g. "mcp.call"`,
    )
  }
  if (entry.action.startsWith('item.')) {
    throw ActivityErrors.INVALID_ACTIVITY('item.* actions are written by the items API only')
  }
  const collection = entry.collection ?? ''
  const item = entry.item === null || entry.item === undefined ? '' : String(entry.item)
  if (collection.length > 128) throw ActivityErrors.INVALID_ACTIVITY('collection is too long')
  if (item.length > 255) throw ActivityErrors.INVALID_ACTIVITY('item is too long')
  const detail = entry.detail ?? null
  if (detail !== null) {
    if (typeof detail !== 'object' || Array.isArray(detail)) {
      throw ActivityErrors.INVALID_ACTIVITY('detail must be a JSON object')
    }
    let text: string
    try {
      text = JSON.stringify(detail)
    } catch {
      throw ActivityErrors.INVALID_ACTIVITY('detail is not serializable as JSON')
    }
    if (text.length > MAX_DETAIL_CHARS) {
      throw ActivityErrors.INVALID_ACTIVITY(`detail is over ${MAX_DETAIL_CHARS} characters of JSON`)
    }
  }
  return { action: entry.action, collection, item, detail }
}

/**
 * The ActivityLog service over a database.
 * @example
 * const log = createActivityLog(database.db, database.dialect, clock)
 */
export function createActivityLog(
  db: Db,
  dialect: SqlDialect,
  clock: ClockAdapter,
): ActivityLogService {
  return {
    async record(input) {
      const entries: readonly ActivityEntry[] = Array.isArray(input)
        ? input
        : [input as ActivityEntry]
      // Every entry is checked before anything is written.
      const checked = entries.map((entry) => ({ entry, facts: factsOf(entry) }))
      if (checked.length === 0) return []
      const now = clock.now()
      const at = dialect === 'postgres' ? now : now.toISOString()
      const rows = checked.map(({ entry, facts }) =>
        activityRow(sortableId(now.getTime()), entry, facts, at),
      )
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        await db
          .insertInto(ACTIVITY_TABLE)
          .values(rows.slice(i, i + ROWS_PER_INSERT))
          .execute()
      }
      return rows.map((row) => row.id)
    },
  }
}
