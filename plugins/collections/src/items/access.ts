// What a caller may see and change in one collection, from its permission rules: the rows, and
// per field whether it is visible everywhere, nowhere, or only on rows some role lets it see.
import type { Principal, SqlDialect } from '@backlex/kernel'
import {
  type AccessRules,
  type FilterNode,
  type FilterVariables,
  type PermissionAction,
  Permissions,
  type PermissionsService,
  type PreparedFilter,
  prepareFilter,
} from '@backlex/permissions'
import { ItemsErrors } from './errors.js'
import type { CollectionModel } from './model/model.js'

/** `all`: on every row the caller may act on; `none`: never; `where`: on rows matching `filter`. */
export type Visibility =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | { readonly kind: 'where'; readonly filter: PreparedFilter }

const ALL: Visibility = Object.freeze({ kind: 'all' })
const NONE: Visibility = Object.freeze({ kind: 'none' })

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

const cache = new WeakMap<AccessRules, Map<string, Visibility>>()

function or(filters: readonly PreparedFilter[], dialect: SqlDialect): PreparedFilter {
  if (filters.length === 1 && filters[0]) return filters[0]
  const ast: FilterNode = { kind: 'or', children: filters.map((f) => f.ast) }
  return prepareFilter(ast, { dialect })
}

/**
 * Where `field` is visible under `rules`. A field some role grants on every row it covers is
 * visible wherever the caller sees rows; the primary key always is (it addresses the item).
 */
export function fieldVisibility(
  rules: AccessRules,
  model: CollectionModel,
  field: string,
  dialect: SqlDialect,
): Visibility {
  if (field === model.primaryKey.name) return ALL
  if (rules.grants.length === 0)
    return rules.fields === '*' || rules.fields.includes(field) ? ALL : NONE
  let memo = cache.get(rules)
  if (!memo) {
    memo = new Map()
    cache.set(rules, memo)
  }
  const known = memo.get(field)
  if (known) return known
  const granting = rules.grants.filter((g) => g.fields === '*' || g.fields.includes(field))
  let visibility: Visibility
  if (granting.length === 0) visibility = NONE
  else if (granting.length === rules.grants.length || granting.some((g) => g.filter === null))
    visibility = ALL
  else
    visibility = {
      kind: 'where',
      filter: or(
        granting.map((g) => g.filter as PreparedFilter),
        dialect,
      ),
    }
  memo.set(field, visibility)
  return visibility
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
  const visibility = (field: string) => fieldVisibility(rules, model, field, dialect)
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
