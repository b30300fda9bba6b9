// What a caller may see and change in one collection, from its permission rules: the rows, and
// per field whether it is visible everywhere, nowhere, or only on rows some role lets it see.
import type { Principal, SqlDialect } from '@backlex/kernel'
import {
  type AccessRules,
  type FieldVisibility,
  type FilterVariables,
  fieldVisibility,
  type PermissionAction,
  Permissions,
  type PermissionsService,
  type PreparedFilter,
} from '@backlex/permissions'
import { ItemsErrors } from './errors.js'
import type { CollectionModel } from './model/model.js'

/** `all`: on every row the caller may act on; `none`: never; `where`: on rows matching `filter`. */
export type Visibility = FieldVisibility

export interface CollectionAccess {
  readonly model: CollectionModel
  readonly action: PermissionAction
  readonly rules: AccessRules
  /** Rows the caller may act on; null: every row. */
  readonly rows: PreparedFilter | null
  readonly variables: FilterVariables
  readonly admin: boolean
  visibility(field: string): Visibility
  /** Throws FIELD_FORBIDDEN when `field` is never visible; `path` is where it was named. */
  require(field: string, path: string): Visibility
}

/**
 * The caller's access to `model` for `action`, or a 403 FORBIDDEN when it has none.
 * @example
 * const access = await collectionAccess(permissions, principal, model, 'read', 'sqlite')
 * access.require('title', 'fields.0') // throws FIELD_FORBIDDEN when title is hidden
 */
export async function collectionAccess(
  permissions: PermissionsService,
  principal: Principal,
  model: CollectionModel,
  action: PermissionAction,
  dialect: SqlDialect,
): Promise<CollectionAccess> {
  const found = await tryCollectionAccess(permissions, principal, model, action, dialect)
  if (!found) throw ItemsErrors.FORBIDDEN(model.slug, action)
  return found
}

/** Like `collectionAccess`, but undefined instead of a 403 (to expand relations quietly). */
export async function tryCollectionAccess(
  permissions: PermissionsService,
  principal: Principal,
  model: CollectionModel,
  action: PermissionAction,
  dialect: SqlDialect,
): Promise<CollectionAccess | undefined> {
  const rules = await permissions.rulesFor(principal, {
    workspace: model.workspace,
    collection: model.slug,
    action,
  })
  if (!rules) return undefined
  const admin = rules.grants.length === 0 && rules.filter === null && rules.fields === '*'
  const fieldOptions = { primaryKey: model.primaryKey.name, dialect }
  const visibility = (field: string) => fieldVisibility(rules, field, fieldOptions)
  // Resolved when first read: reads whose filters need none (the common case) skip it.
  let variables: FilterVariables | undefined
  return {
    model,
    action,
    rules,
    rows: rules.filter,
    get variables() {
      variables ??= permissions.variables(principal)
      return variables
    },
    admin,
    visibility,
    require(field, path) {
      const v = visibility(field)
      if (v.kind === 'none') {
        throw ItemsErrors.FIELD_FORBIDDEN(
          model.slug,
          field,
          path,
          action === 'read' ? 'read' : 'write',
        )
      }
      return v
    },
  }
}

export { Permissions }
