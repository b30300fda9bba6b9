// From the items action events of @backlex/collections (`items.created`, `items.updated`,
// `items.deleted`, after commit) to one log event per row: a bulk write of n rows is n events,
// so each keeps its own number and resumes exactly.
import type { Row } from '@backlex/permissions/contract'
import { ItemsCreated, ItemsDeleted, ItemsUpdated } from '../collections.js'
import type { NewEvent } from '../log/event-log.js'
import type { ItemEventData } from './delivery.js'

/**
 * An items action payload (collections' `ItemsChangedEvent`, or another writer's): `before` /
 * `after` are full rows, one or one per key.
 */
export interface ItemsActionPayload {
  workspace?: string
  collection: string
  keys: readonly (string | number)[]
  before?: Row | readonly Row[] | null
  after?: Row | readonly Row[] | null
}

/** The items action events realtime hooks, with the type of change each one is. */
export const ITEM_ACTIONS = [
  [ItemsCreated, 'create'],
  [ItemsUpdated, 'update'],
  [ItemsDeleted, 'delete'],
] as const

const asList = (rows: Row | readonly Row[] | null | undefined): readonly Row[] =>
  rows == null ? [] : Array.isArray(rows) ? (rows as readonly Row[]) : [rows as Row]

/** The row of `key`: by position when rows line up with keys, else by primary key value. */
function rowOf(
  rows: readonly Row[],
  keys: readonly (string | number)[],
  index: number,
  primaryKey: string | undefined,
): Row | null {
  const key = keys[index]
  if (rows.length === keys.length) return rows[index] ?? null
  if (primaryKey === undefined) return null
  return rows.find((r) => String(r[primaryKey]) === String(key)) ?? null
}

/**
 * One log event per key of an items action payload.
 * @example
 * itemEvents('update', { collection: 'posts', keys: [1], before: [{ id: 1, n: 1 }], after: [{ id: 1, n: 2 }] })
 * // [{ type: 'update', data: { key: 1, before: { id: 1, n: 1 }, after: { id: 1, n: 2 } } }]
 */
export function itemEvents(
  type: 'create' | 'update' | 'delete',
  payload: ItemsActionPayload,
  primaryKey?: string,
): NewEvent[] {
  const keys = Array.isArray(payload.keys) ? payload.keys : []
  const before = asList(payload.before)
  const after = asList(payload.after)
  return keys.map((key, i) => {
    const data: ItemEventData = { key }
    if (type !== 'create') data.before = rowOf(before, keys, i, primaryKey)
    if (type !== 'delete') data.after = rowOf(after, keys, i, primaryKey)
    return { type, data }
  })
}
