// What realtime uses of @backlex/collections: its services (primary keys, schema changes; the
// items query reader for subscriptions' filter and fields) and its items events, by id and typed from its contract. Nothing of collections is imported at
// runtime, so realtime installs and runs without it (items channels then need another writer).
import type {
  Collections as CollectionsToken,
  ItemsCommitting as ItemsCommittingEvent,
  ItemsCreated as ItemsCreatedEvent,
  ItemsDeleted as ItemsDeletedEvent,
  Items as ItemsToken,
  ItemsUpdated as ItemsUpdatedEvent,
} from '@backlex/collections/contract'
import { eventRef, serviceRef } from '@backlex/kernel'

/** The Collections service (`backlex.collections`), optional. */
export const Collections = serviceRef<typeof CollectionsToken>('backlex.collections')

/** The Items service (`backlex.items`), optional: its `query` reads subscriptions' filter and fields. */
export const Items = serviceRef<typeof ItemsToken>('backlex.items')

/** The filter event collections runs last inside each item write's transaction (the outbox). */
export const ItemsCommitting = eventRef<typeof ItemsCommittingEvent>('items.committing')

/** The action events collections emits after an item write commits. */
export const ItemsCreated = eventRef<typeof ItemsCreatedEvent>('items.created')
export const ItemsUpdated = eventRef<typeof ItemsUpdatedEvent>('items.updated')
export const ItemsDeleted = eventRef<typeof ItemsDeletedEvent>('items.deleted')
