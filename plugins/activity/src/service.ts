// The ActivityLog service (`backlex.activity`): every plugin writes its entries (`item.update`,
// `mcp.call`, `auth.login`, ...) into the one log that GET /api/activity reads.
import { type ClockAdapter, type SqlDialect, sortableId } from '@backlex/kernel'
import type { ActivityDb, ActivityEntry, ActivityLogService } from './contract.js'
import { activityRow, checkEntry } from './entry.js'
import { ACTIVITY_TABLE } from './migrations.js'
import { activityByIds, listActivity } from './read.js'

/** Rows per statement: keeps bound parameters far below both databases' limits. */
const ROWS_PER_INSERT = 500

/**
 * The ActivityLog service over a database.
 * @example
 * const log = createActivityLog(database.db, database.dialect, clock)
 * await log.record({ workspace: 'main', action: 'flows.run', principal })
 */
export function createActivityLog(
  db: ActivityDb,
  dialect: SqlDialect,
  clock: ClockAdapter,
): ActivityLogService {
  return {
    async record(input, options = {}) {
      const entries: readonly ActivityEntry[] = Array.isArray(input)
        ? input
        : [input as ActivityEntry]
      // Every entry is checked before anything is written.
      const itemWrites = options.itemWrites === true
      const checked = entries.map((entry) => ({ entry, facts: checkEntry(entry, itemWrites) }))
      if (checked.length === 0) return []
      const now = options.at ?? clock.now()
      const at = dialect === 'postgres' ? now : now.toISOString()
      const rows = checked.map(({ entry, facts }) =>
        activityRow(sortableId(now.getTime()), entry.workspace, entry, facts, at),
      )
      const target = options.db ?? db
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        await target
          .insertInto(ACTIVITY_TABLE)
          .values(rows.slice(i, i + ROWS_PER_INSERT))
          .execute()
      }
      return rows.map((row) => row.id)
    },
    list(reader, query) {
      return listActivity(db, reader, query)
    },
    entries(reader, ids) {
      return activityByIds(db, reader, ids)
    },
  }
}
