// The events items writes fire. Filter hooks (`items.create`, `items.update`, `items.delete`) run
// inside the transaction before the write and may change the payload or throw to reject it;
// `items.committing` runs inside the transaction after the rows, revisions and activity are
// written (an outbox: what it writes commits or rolls back with them); action hooks
// (`items.created`, `items.updated`, `items.deleted`) run after commit.
import type { Db, Item } from '../read/select.js'

/** Key of an item as the database returns it: a number for integer keys, else a string. */
export type ItemKey = string | number

/** `items.create` filter payload: the new items' values (API form), presets applied. */
export interface ItemsCreatePayload {
  workspace: string
  collection: string
  items: Record<string, unknown>[]
}

/** `items.update` filter payload: the keys being changed and the values written to each. */
export interface ItemsUpdatePayload {
  workspace: string
  collection: string
  keys: ItemKey[]
  data: Record<string, unknown>
}

/** `items.delete` filter payload. */
export interface ItemsDeletePayload {
  workspace: string
  collection: string
  keys: ItemKey[]
}

/**
 * `items.created` / `items.updated` / `items.deleted` action payload. `before` and `after` are
 * the full rows in API form (every field, whatever the caller could read: subscribers filter
 * them by their own permissions), in the order of `keys`.
 */
export interface ItemsChangedEvent {
  workspace: string
  collection: string
  keys: ItemKey[]
  before?: Item[]
  after?: Item[]
}

/**
 * `items.committing` filter payload: the change about to commit and the transaction's handle.
 * Hooks write what must commit with the change (an event log, an outbox) through `db`; throwing
 * rolls the whole write back. `event` is the very object the action event carries after commit,
 * so a hook can recognise its own change there. On databases without transactions (D1) it runs
 * right after the write, with the plain database handle.
 * @example
 * ctx.on.filter<ItemsCommittingPayload>('items.committing', async ({ event, db }) => {
 *   await db.insertInto('outbox').values({ keys: JSON.stringify(event.keys) }).execute()
 * })
 */
export interface ItemsCommittingPayload {
  action: 'create' | 'update' | 'delete'
  event: ItemsChangedEvent
  /** The write's transaction (or the database itself where there are no transactions). */
  db: Db
  /** False when `db` is not a transaction (D1): the write has already happened. */
  transaction: boolean
}

export const ITEM_EVENTS = {
  create: 'items.create',
  update: 'items.update',
  delete: 'items.delete',
  committing: 'items.committing',
  created: 'items.created',
  updated: 'items.updated',
  deleted: 'items.deleted',
} as const
