// The Collections service: what other plugins (and the items half of this one) use to read
// the schema. Implemented in ./service.ts.
import type { Principal, ServiceToken } from '@backlex/kernel'
import { defineService } from '@backlex/kernel'
import type { TableInspection } from './adopt/introspect.js'
import type { CollectionDefinition, CollectionInput } from './schema/definition.js'
import type { CollectionPatch } from './schema/patch.js'
import type { CollectionView } from './schema/visible.js'

/** What a schema change was; sent to `onChange` listeners on every instance. */
export interface CollectionChange {
  workspace: string
  slug: string
  action: 'create' | 'update' | 'delete' | 'restore'
}

/** A table GET /api/admin/adopt/tables lists. */
export interface AdoptableTable {
  table: string
  /** The collection already wrapping it (possibly archived), if any. */
  adoptedAs: { workspace: string; slug: string } | null
  /** False when backlex cannot address the table by name (e.g. it has a dot or spaces). */
  supported: boolean
}

export interface CollectionsService {
  /** The collection, or undefined when it does not exist (archived ones only with `includeArchived`). */
  get(
    workspace: string,
    slug: string,
    options?: { includeArchived?: boolean },
  ): Promise<CollectionDefinition | undefined>
  list(workspace: string, options?: { includeArchived?: boolean }): Promise<CollectionDefinition[]>
  /**
   * The live collections as `principal` may see them: admins every definition; others only
   * collections they have a rule on, readable fields, relations to readable collections, and
   * no physical table names. What the collections tools and MCP resources show.
   * @example
   * const shown = await collections.visibleTo(ctx.principal, ctx.workspace)
   */
  visibleTo(principal: Principal, workspace: string): Promise<CollectionView[]>
  /** Increases on every schema change in the workspace (on every instance, through PubSub). */
  version(workspace: string): Promise<number>
  /** Calls `listener` after every schema change, on every instance. Returns an unsubscribe. */
  onChange(listener: (event: CollectionChange) => void): () => void
  /**
   * Creates a managed collection (its table, in one transaction) or adopts an existing table.
   * @example
   * await collections.create('main', { slug: 'posts', fields: [{ name: 'title', type: 'string', required: true }] })
   */
  create(workspace: string, input: CollectionInput): Promise<CollectionDefinition>
  /** Adds fields, relations and indexes; drops need `confirm: true`. All or nothing. */
  update(workspace: string, slug: string, patch: CollectionPatch): Promise<CollectionDefinition>
  /** Managed: drops the table and its junction tables. Adopted: archives (the table stays). */
  remove(workspace: string, slug: string): Promise<{ slug: string; result: 'dropped' | 'archived' }>
  /** Un-archives an adopted collection. */
  restore(workspace: string, slug: string): Promise<CollectionDefinition>
  /** Tables of the database that could be adopted (not backlex_* system nor c_* managed tables). */
  adoptableTables(): Promise<AdoptableTable[]>
  /** Columns, mapped types, primary key and foreign keys of a table; TABLE_NOT_FOUND otherwise. */
  inspectTable(table: string): Promise<TableInspection>
}

export const Collections: ServiceToken<CollectionsService> =
  defineService<CollectionsService>('backlex.collections')
