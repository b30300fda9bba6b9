// What realtime reads from @backlex/collections, through its service id: primary keys and
// schema changes, and the shape of its in-transaction `items.committing` event. Declared here
// (structurally) so realtime installs without collections.
import { defineService } from '@backlex/kernel'
import type { Kysely } from 'kysely'
import type { ItemsActionPayload } from './items/events.js'

/** The filter event collections runs last inside each item write's transaction. */
export const ITEMS_COMMITTING = 'items.committing'

/** Its payload (`ItemsCommittingPayload` of @backlex/collections). */
export interface ItemsCommittingPayload {
  action: 'create' | 'update' | 'delete'
  /** The same object the `items.created/updated/deleted` action carries after commit. */
  event: ItemsActionPayload
  /** The write's transaction (the database itself on D1). */
  // biome-ignore lint/suspicious/noExplicitAny: collections' rows are not a typed schema
  db: Kysely<any>
  transaction: boolean
}

export interface CollectionChangeEvent {
  workspace: string
  slug: string
  action: 'create' | 'update' | 'delete' | 'restore'
}

/** The part of the Collections service realtime uses. */
export interface CollectionsSource {
  get(
    workspace: string,
    slug: string,
  ): Promise<{ primaryKey: { name: string }; slug: string; createdAt?: string } | undefined>
  onChange(listener: (event: CollectionChangeEvent) => void): () => void
}

/** The Collections service of @backlex/collections (matched by id). */
export const CollectionsSourceToken = defineService<CollectionsSource>('backlex.collections')
