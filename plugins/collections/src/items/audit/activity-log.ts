// The ActivityLog service (`backlex.activity`): other plugins write their entries (`mcp.call`,
// `auth.login`, ...) into the one activity log that GET /api/activity reads.
import {
  type ClockAdapter,
  defineService,
  type Principal,
  type ServiceToken,
  type SqlDialect,
} from '@backlex/kernel'
import { ItemsErrors } from '../errors.js'
import type { Db } from '../read/select.js'
import { ACTIVITY_TABLE } from './migrations.js'
import { activityRow, ROWS_PER_INSERT, sortableId } from './record.js'

/** One entry for the activity log. */
export interface ActivityEntry {
  workspace: string
  /**
   * Dot-namespaced, `<area>.<verb>` in lower snake case, e.g. `mcp.call` or `auth.login`.
   * `item.*` is the items API's own (written with the item's revision) and refused here.
   */
  action: string
  /** Who did it: the row keeps the principal's type, user id and API key id. */
  principal: Principal
  requestId?: string | null | undefined
  clientAddress?: string | null | undefined
  /** The collection the entry is about, if any. */
  collection?: string | null | undefined
  /** The item the entry is about, if any. */
  item?: string | number | null | undefined
  /** Anything else worth keeping, as a JSON object (at most 16 KiB). Never store secrets here. */
  detail?: Record<string, unknown> | null | undefined
}

export interface ActivityLogService {
  /**
   * Appends entries to the activity log, all in one statement per 500; resolves to their ids
   * (UUIDv7, sorting by time). Throws INVALID_ACTIVITY (400) and writes nothing when an entry
   * cannot be stored.
   * @example
   * await ctx.get(ActivityLog).record({ workspace, action: 'auth.login', principal, detail: { method: 'password' } })
   */
  record(entries: ActivityEntry | readonly ActivityEntry[]): Promise<string[]>
}

/**
 * The shared activity log. Depend on it with `optional: [ActivityLog]` and `ctx.tryGet`, so a
 * plugin still runs where `@backlex/collections` is not installed.
 * @example
 * const log = ctx.kernel.tryGet(ActivityLog)
 * await log?.record({ workspace: 'main', action: 'flows.run', principal, detail: { flow: 'welcome' } })
 */
export const ActivityLog: ServiceToken<ActivityLogService> =
  defineService<ActivityLogService>('backlex.activity')

/** A dot-namespaced action: `<area>.<verb>`, lower snake case parts (`mcp.call`, `item.update`). */
export const ACTIVITY_ACTION = /^[a-z][a-z0-9_]{0,31}(\.[a-z][a-z0-9_]{0,31})+$/
const MAX_DETAIL_CHARS = 16_384

function factsOf(entry: ActivityEntry) {
  if (!entry.workspace) throw ItemsErrors.INVALID_ACTIVITY('workspace is empty')
  if (!ACTIVITY_ACTION.test(entry.action) || entry.action.length > 64) {
    throw ItemsErrors.INVALID_ACTIVITY(
      `action "${entry.action.slice(0, 64)}" is not dot-namespaced lower snake case, e.g. "mcp.call"`,
    )
  }
  if (entry.action.startsWith('item.')) {
    throw ItemsErrors.INVALID_ACTIVITY('item.* actions are written by the items API only')
  }
  const collection = entry.collection ?? ''
  const item = entry.item === null || entry.item === undefined ? '' : String(entry.item)
  if (collection.length > 128) throw ItemsErrors.INVALID_ACTIVITY('collection is too long')
  if (item.length > 255) throw ItemsErrors.INVALID_ACTIVITY('item is too long')
  const detail = entry.detail ?? null
  if (detail !== null) {
    if (typeof detail !== 'object' || Array.isArray(detail)) {
      throw ItemsErrors.INVALID_ACTIVITY('detail must be a JSON object')
    }
    let text: string
    try {
      text = JSON.stringify(detail)
    } catch {
      throw ItemsErrors.INVALID_ACTIVITY('detail is not serializable as JSON')
    }
    if (text.length > MAX_DETAIL_CHARS) {
      throw ItemsErrors.INVALID_ACTIVITY(`detail is over ${MAX_DETAIL_CHARS} characters of JSON`)
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
