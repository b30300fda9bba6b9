// The events items writes fire. Filter hooks (`items.create`, `items.update`, `items.delete`) run
// inside the transaction before the write and may change the payload or throw to reject it;
// action hooks (`items.created`, `items.updated`, `items.deleted`) run after commit.
import type { Item } from '../read/select.js'

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

export const ITEM_EVENTS = {
  create: 'items.create',
  update: 'items.update',
  delete: 'items.delete',
  created: 'items.created',
  updated: 'items.updated',
  deleted: 'items.deleted',
} as const
