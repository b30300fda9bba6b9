// What realtime reads from @backlex/collections, through its service id: primary keys and
// schema changes. Declared here (structurally) so realtime installs without collections.
import { defineService } from '@backlex/kernel'

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
  ): Promise<{ primaryKey: { name: string }; slug: string } | undefined>
  onChange(listener: (event: CollectionChangeEvent) => void): () => void
}

/** The Collections service of @backlex/collections (matched by id). */
export const CollectionsSourceToken = defineService<CollectionsSource>('backlex.collections')
