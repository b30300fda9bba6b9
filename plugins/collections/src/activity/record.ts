// Writes the activity and revision rows of a change, inside the change's transaction: two
// inserts whatever the number of items. `activityRow` is shared with the ActivityLog service.
import type { Principal, SqlDialect } from '@backlex/kernel'
import type { Db, Item } from '../items/read/select.js'
import { ACTIVITY_TABLE, REVISIONS_TABLE } from './migrations.js'

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
export const ROWS_PER_INSERT = 500

let lastMs = 0
let sequence = 0

/**
 * A UUID (version 7) that sorts by creation time, also within one millisecond on this process,
 * so revisions of an item list in the order they were written.
 */
export function sortableId(now: number): string {
  if (now <= lastMs) {
    sequence++
    if (sequence > 0xfff) {
      lastMs++
      sequence = 0
    }
  } else {
    lastMs = now
    sequence = 0
  }
  const random = crypto.getRandomValues(new Uint8Array(8))
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0')
  const time = hex(lastMs, 12)
  const tail = [...random].map((b) => hex(b, 2)).join('')
  const variant = hex(0x8 | ((random[0] ?? 0) & 0x3), 1)
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex(sequence, 3)}-${variant}${tail.slice(1, 4)}-${tail.slice(4, 16)}`
}

const json = (value: unknown) => (value === null ? null : JSON.stringify(value))

/** What one activity row says besides who made it. */
export interface ActivityFacts {
  action: string
  /** '' when the entry is about no collection (see the 0101 migration). */
  collection: string
  /** '' when the entry is about no item. */
  item: string
  detail: Record<string, unknown> | null
}

/**
 * One row of `backlex_collections_activity`, ready to insert.
 * @example
 * activityRow(sortableId(ms), actor, { action: 'mcp.call', collection: '', item: '', detail }, at)
 */
export function activityRow(id: string, actor: Actor, facts: ActivityFacts, at: Date | string) {
  const { principal } = actor
  return {
    id,
    workspace: actor.workspace,
    action: facts.action,
    collection: facts.collection,
    item: facts.item,
    principal_type: principal.type,
    user_id: principal.userId,
    api_key_id: principal.type === 'apiKey' ? principal.id : null,
    client_address: actor.clientAddress ?? null,
    request_id: actor.requestId ?? null,
    detail: json(facts.detail),
    created_at: at,
  }
}

/**
 * Inserts one activity row (`item.create`, `item.update` or `item.delete`) and one revision row
 * per changed item.
 * @example
 * await recordChanges(trx, 'sqlite', actor, 'articles', 'update', [{ key: 1, data: after, delta: { title: 'x' } }], now)
 */
export async function recordChanges(
  db: Db,
  dialect: SqlDialect,
  actor: Actor,
  collection: string,
  action: ActivityAction,
  changes: readonly RecordedChange[],
  now: Date,
): Promise<string[]> {
  if (changes.length === 0) return []
  const at = dialect === 'postgres' ? now : now.toISOString()
  const ms = now.getTime()
  const activity = changes.map((change) =>
    activityRow(
      sortableId(ms),
      actor,
      { action: `item.${action}`, collection, item: String(change.key), detail: null },
      at,
    ),
  )
  const revisions = changes.map((change, i) => ({
    id: sortableId(ms),
    workspace: actor.workspace,
    collection,
    item: String(change.key),
    activity_id: activity[i]?.id,
    data: json(change.data),
    delta: json(change.delta),
    created_at: at,
  }))
  for (let i = 0; i < changes.length; i += ROWS_PER_INSERT) {
    await db
      .insertInto(ACTIVITY_TABLE)
      .values(activity.slice(i, i + ROWS_PER_INSERT))
      .execute()
    await db
      .insertInto(REVISIONS_TABLE)
      .values(revisions.slice(i, i + ROWS_PER_INSERT))
      .execute()
  }
  return activity.map((a) => a.id)
}
