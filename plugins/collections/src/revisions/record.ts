// Writes the revisions of a change, and its `item.*` activity entries through the ActivityLog
// service when @backlex/activity is installed, inside the change's transaction: two inserts per
// 500 items whatever their number.
import { type Principal, type SqlDialect, sortableId } from '@backlex/kernel'
import type { Db, Item } from '../items/read/select.js'
import type { ItemsActivityLog } from './log.js'
import { REVISIONS_TABLE } from './migrations.js'

/** What an item write was; logged as `item.<action>`. */
export type ActivityAction = 'create' | 'update' | 'delete'

/** Who made a change, and from where. */
export interface Actor {
  workspace: string
  principal: Principal
  requestId?: string | null | undefined
  clientAddress?: string | null | undefined
}

export interface RecordedChange {
  key: string | number
  /** The item's values after the change (before it, for a delete). */
  data: Item | null
  /** What the change wrote; null for a delete. */
  delta: Item | null
}

/** Rows per statement: keeps bound parameters far below both databases' limits. */
const ROWS_PER_INSERT = 500

const json = (value: unknown) => (value === null ? null : JSON.stringify(value))

/**
 * Records one `item.<action>` activity entry (when `log` is given) and one revision row per
 * changed item, through `db` (the write's transaction), so they commit or roll back with it.
 * @example
 * await recordChanges(trx, log, 'sqlite', actor, 'articles', 'update', [{ key: 1, data: after, delta: { title: 'x' } }], now)
 */
export async function recordChanges(
  db: Db,
  log: ItemsActivityLog | undefined,
  dialect: SqlDialect,
  actor: Actor,
  collection: string,
  action: ActivityAction,
  changes: readonly RecordedChange[],
  now: Date,
): Promise<void> {
  if (changes.length === 0) return
  const activityIds = log
    ? await log.record(
        changes.map((change) => ({
          workspace: actor.workspace,
          action: `item.${action}`,
          principal: actor.principal,
          requestId: actor.requestId,
          clientAddress: actor.clientAddress,
          collection,
          item: String(change.key),
        })),
        { db, at: now, itemWrites: true },
      )
    : []
  const at = dialect === 'postgres' ? now : now.toISOString()
  const ms = now.getTime()
  const revisions = changes.map((change, i) => ({
    id: sortableId(ms),
    workspace: actor.workspace,
    collection,
    item: String(change.key),
    activity_id: activityIds[i] ?? null,
    data: json(change.data),
    delta: json(change.delta),
    created_at: at,
  }))
  for (let i = 0; i < revisions.length; i += ROWS_PER_INSERT) {
    await db
      .insertInto(REVISIONS_TABLE)
      .values(revisions.slice(i, i + ROWS_PER_INSERT))
      .execute()
  }
}
