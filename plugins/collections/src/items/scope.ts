// What one request (or tool call) works with: the caller, the workspace's collections, and the
// caller's access to each collection, loaded once per request.
import type { Principal, SqlDialect } from '@backlex/kernel'
import type { PermissionAction, PermissionsService } from '@backlex/permissions'
import { CollectionsErrors } from '../schema/errors.js'
import { type CollectionAccess, tryCollectionAccess } from './access.js'
import { ItemsErrors } from './errors.js'
import type { CollectionModel, WorkspaceSchema } from './model/model.js'
import type { AccessLoader } from './read/filter.js'

export interface ItemsScope {
  readonly principal: Principal
  readonly workspace: string
  readonly schema: WorkspaceSchema
  readonly dialect: SqlDialect
  /** Read access to a collection (memoized), or undefined when the caller may not read it. */
  readonly load: AccessLoader
  /**
   * The caller's access for `action` on `slug`. A collection that does not exist and one the
   * caller may not use get the same 403 (admins learn it is missing: 404).
   */
  access(slug: string, action: PermissionAction): Promise<CollectionAccess>
}

export function createScope(
  principal: Principal,
  workspace: string,
  schema: WorkspaceSchema,
  permissions: PermissionsService,
): ItemsScope {
  const dialect = schema.dialect
  const memo = new Map<string, Promise<CollectionAccess | undefined>>()
  const get = (slug: string, action: PermissionAction) => {
    const key = `${action}:${slug}`
    let found = memo.get(key)
    if (!found) {
      const model = schema.collection(slug)
      found = model
        ? tryCollectionAccess(permissions, principal, model, action, dialect)
        : Promise.resolve(undefined)
      memo.set(key, found)
    }
    return found
  }
  return {
    principal,
    workspace,
    schema,
    dialect,
    load: (slug) => get(slug, 'read'),
    async access(slug, action) {
      const model: CollectionModel | undefined = schema.collection(slug)
      const found = await get(slug, action)
      if (found) return found
      if (!model && principal.admin) throw CollectionsErrors.COLLECTION_NOT_FOUND(slug)
      throw ItemsErrors.FORBIDDEN(slug, action)
    },
  }
}
