// Checks a permission before it is stored, so a rule that would fail at request time is
// rejected when an admin writes it, with the path of the mistake.
import type { CollectionFilterSchema } from './contract.js'
import { PermissionsErrors } from './errors.js'
import type { FilterNode } from './filter/ast.js'
import { parseFilter } from './filter/parse.js'
import { looksLikeVariable, parseVariable } from './filter/variables.js'
import { ADMIN_ROLE } from './roles.js'
import type { PermissionValues } from './store.js'

/** The parsed filters of a valid permission. */
export interface CheckedPermission {
  filter: FilterNode | null
  validation: FilterNode | null
}

const parse = (
  input: Record<string, unknown> | null,
  path: string,
  collection: string,
  info: CollectionFilterSchema | undefined,
): FilterNode | null =>
  input === null
    ? null
    : parseFilter(input, info?.schema, { path, collection, relations: info?.relations })

/**
 * Throws INVALID_FILTER or INVALID_PERMISSION when `values` cannot be a rule of `collection`.
 * With a schema, fields and preset keys must exist.
 * @example
 * checkPermission({ role: 'editor', collection: 'posts', action: 'read', filter: { x: { _eqq: 1 } }, ... }, info)
 * // throws INVALID_FILTER at "filter.x._eqq"
 */
export function checkPermission(
  values: PermissionValues,
  info: CollectionFilterSchema | undefined,
): CheckedPermission {
  const { role, collection, action } = values
  const invalid = PermissionsErrors.INVALID_PERMISSION
  if (role === ADMIN_ROLE) {
    throw invalid('role', 'the admin role bypasses every rule, so it takes no permissions')
  }
  if (action === 'create' && values.filter !== null) {
    throw invalid(
      'filter',
      'a create rule has no existing rows to filter; check new values with "validation"',
    )
  }
  if ((action === 'read' || action === 'delete') && values.validation !== null) {
    throw invalid('validation', `a ${action} rule writes nothing to validate; use "filter"`)
  }
  if ((action === 'read' || action === 'delete') && values.presets !== null) {
    throw invalid('presets', `a ${action} rule writes nothing, so it takes no presets`)
  }
  const checked = {
    filter: parse(values.filter, 'filter', collection, info),
    validation: parse(values.validation, 'validation', collection, info),
  }
  const schema = info?.schema
  if (schema && values.fields !== '*') {
    values.fields.forEach((field, i) => {
      if (!Object.hasOwn(schema, field)) {
        throw invalid(`fields.${i}`, `unknown field "${field}" of "${collection}"`)
      }
    })
  }
  for (const [key, value] of Object.entries(values.presets ?? {})) {
    if (schema && !Object.hasOwn(schema, key)) {
      throw invalid(`presets.${key}`, `unknown field "${key}" of "${collection}"`)
    }
    const ref = looksLikeVariable(value) ? parseVariable(value) : undefined
    if (typeof ref === 'string') throw invalid(`presets.${key}`, ref)
  }
  return checked
}
